package dev.gapless.bench;

import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.JournalConfig.Durability;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Journal.append} of batches of 1,000 events of 256 bytes, the way the TCP input calls it: one
 * appending thread that does not wait for each force, but stops when 200,000 of its events wait for one
 * (IngestHandler.MAX_UNDURABLE_EVENTS). Under {@code batch} and {@code fsync} the journal's syncer thread
 * forces in the background, as in the agent. Score: events appended per second.
 *
 * <p>Consumed segments are deleted every ~64 MiB (the agent's housekeeping does it every second), so disk
 * use stays bounded however long it runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JournalAppendBench extends ChronicleFork {

    static final int BATCH = 1000;
    /** IngestHandler.MAX_UNDURABLE_EVENTS, in batches. */
    static final int WINDOW = 200_000 / BATCH;
    /** About 64 MiB of records between retention passes. */
    static final int RETAIN_EVERY = 200;

    @Param({"none", "batch", "fsync"})
    public String durability;

    @Param({"256"})
    public int eventBytes;

    private Path dir;
    private Journal journal;
    private MessageBatch events;
    private final ArrayDeque<CompletableFuture<Void>> undurable = new ArrayDeque<>();
    private int sinceRetain;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Fixtures.tempDir("bench-append-");
        journal = Fixtures.openJournal(dir, Durability.valueOf(durability.toUpperCase()));
        events = Fixtures.batch(BATCH, eventBytes);
    }

    @TearDown(Level.Trial)
    public void close() {
        undurable.forEach(CompletableFuture::join);
        journal.close();
        Fixtures.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long append() {
        AppendResult r = journal.append(events);
        if (!r.appended()) {
            throw new IllegalStateException("append refused: " + r.status());
        }
        undurable.addLast(journal.whenDurable(r.lastSeq()));
        while (undurable.size() > WINDOW || (!undurable.isEmpty() && undurable.peekFirst().isDone())) {
            undurable.removeFirst().join();
        }
        if (++sinceRetain >= RETAIN_EVERY) {
            sinceRetain = 0;
            journal.retain();
        }
        return r.lastSeq();
    }
}
