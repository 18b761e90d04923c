package dev.gapless.bench;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.contract.Utf8;
import dev.gapless.agent.journal.CorruptRecordException;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event costs on the data path, one 256-byte event per operation: the journal record codec (encode with
 * CRC32C on append; decode with CRC check on read), the output encoders ({@code json_lines} envelope and
 * {@code line}), and the input's UTF-8 check. Score: events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms32m", "-Xmx128m", "-XX:+UseSerialGC"})
public class CodecBench {

    private static final byte[] SOURCE = "bench".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONE = new byte[0];

    private final RecordCodec codec = new RecordCodec(Fixtures.MAX_RECORD_BYTES);
    private final ByteSink sink = new ByteSink(64 * 1024);
    private final EnvelopeEncoder envelope = new EnvelopeEncoder(UUID.randomUUID(), "bench-host", () -> 1L);
    private final LineEncoder line = new LineEncoder();
    private final UUID boot = UUID.randomUUID();
    private byte[] message;
    private ByteBuffer encoded;
    private JournalRecord record;
    private long seq;
    private long now;

    @Setup(Level.Trial)
    public void setup() throws CorruptRecordException {
        message = Fixtures.message(42, 256);
        now = System.currentTimeMillis() * 1_000_000L;
        ByteBuffer b = codec.encode(RecordKind.EVENT, 1, boot.getMostSignificantBits(), boot.getLeastSignificantBits(),
                now, now, -1, 0, SOURCE, message, NONE);
        encoded = ByteBuffer.allocate(b.remaining()).put(b).flip();
        record = codec.decode(encoded.duplicate());
    }

    @Benchmark
    public ByteBuffer recordEncode() {
        return codec.encode(RecordKind.EVENT, ++seq, boot.getMostSignificantBits(), boot.getLeastSignificantBits(),
                now, now, -1, 0, SOURCE, message, NONE);
    }

    @Benchmark
    public JournalRecord recordDecode() throws CorruptRecordException {
        return codec.decode(encoded.duplicate());
    }

    @Benchmark
    public int envelopeEncode() throws IOException {
        sink.reset();
        envelope.encode(record, sink);
        return sink.length();
    }

    @Benchmark
    public int lineEncode() {
        sink.reset();
        line.encode(record, sink);
        return sink.length();
    }

    @Benchmark
    public boolean utf8Check() {
        return Utf8.isValid(message, 0, message.length);
    }
}
