package dev.gapless.bench;

import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.JournalConfig.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code JournalReader.read} of batches of 1,000 records of 256-byte events, as an output worker reads: CRC
 * check and decode into {@link JournalRecord}s. The journal holds 1,000,000 events (about 320 MiB in page
 * cache, several segments); the reader starts again from the beginning when it reaches the end.
 * Score: records read per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JournalReadBench extends ChronicleFork {

    static final int BATCH = 1000;
    static final int EVENTS = 1_000_000;

    private Path dir;
    private Journal journal;
    private JournalReader reader;
    private final List<JournalRecord> out = new ArrayList<>(BATCH);

    @Setup(Level.Trial)
    public void fill() throws Exception {
        dir = Fixtures.tempDir("bench-read-");
        journal = Fixtures.openJournal(dir, Durability.NONE);
        MessageBatch batch = Fixtures.batch(BATCH, 256);
        for (int i = 0; i < EVENTS / BATCH; i++) {
            if (!journal.append(batch).appended()) {
                throw new IllegalStateException("journal refused an append while filling");
            }
        }
        reader = journal.openReader("bench", 0);
    }

    @TearDown(Level.Trial)
    public void close() {
        reader.close();
        journal.close();
        Fixtures.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int read() {
        out.clear();
        int n = reader.read(BATCH, 1L << 20, out);
        if (n < BATCH) {
            reader.close();
            reader = journal.openReader("bench", 0);
            n += reader.read(BATCH - n, 1L << 20, out);
        }
        return n;
    }
}
