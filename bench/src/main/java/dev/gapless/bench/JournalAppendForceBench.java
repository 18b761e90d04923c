package dev.gapless.bench;

import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.JournalConfig.Durability;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append, then wait for the force that covers it ({@code durability: fsync}: the syncer thread forces as soon
 * as an acknowledgement waits), one batch at a time: the serial ceiling of "append + fdatasync" rounds.
 * Score: rounds per second; multiply by {@code batch} for events per second. The average time of one round
 * is the shortest acknowledgement latency a batch of that size can see.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JournalAppendForceBench extends ChronicleFork {

    /** Events per append (the TCP input appends what one socket read framed: hundreds to thousands). */
    @Param({"100", "1000", "10000"})
    public int batch;

    private Path dir;
    private Journal journal;
    private MessageBatch events;
    private int sinceRetain;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Fixtures.tempDir("bench-force-");
        journal = Fixtures.openJournal(dir, Durability.FSYNC);
        events = Fixtures.batch(batch, 256);
    }

    @TearDown(Level.Trial)
    public void close() {
        journal.close();
        Fixtures.deleteTree(dir);
    }

    @Benchmark
    public long appendAndForce() {
        AppendResult r = journal.append(events);
        if (!r.appended()) {
            throw new IllegalStateException("append refused: " + r.status());
        }
        journal.whenDurable(r.lastSeq()).join();
        sinceRetain += batch;
        if (sinceRetain >= 200_000) {
            sinceRetain = 0;
            journal.retain();
        }
        return r.lastSeq();
    }
}
