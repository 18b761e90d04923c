package dev.gapless.agent.output;

import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real journal and output worker (envelope codec, short backoff) in front of a sink under test, stepped by the
 * test: for the tests of a sink against its destination's test server that need the worker's retries, bisection
 * and dead letters.
 */
public final class WorkerHarness implements AutoCloseable {

    public final UUID agentId = UUID.randomUUID();
    private final Journal journal;
    private final Path deadLetterFile;
    private final OutputWorker worker;

    public WorkerHarness(Path dir, Sink sink, int maxEvents) throws Exception {
        // never forced: these tests are about a destination's protocol, and forcing on a busy disk costs seconds
        journal = TestJournals.open(dir.resolve("journal"), new JournalConfig(JournalConfig.Durability.NONE,
                Duration.ofMillis(5), ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), JournalConfig.WhenFull.BLOCK,
                ByteSize.ofMebibytes(1)));
        CursorStore cursor = new CursorStore(dir.resolve("out.cursor"), false);
        deadLetterFile = dir.resolve("dead-letter").resolve("out.ndjson");
        worker = new OutputWorker(new OutputWorker.Parts("out", journal, sink,
                new EnvelopeEncoder(agentId, "web-1", journal::durableSeq),
                cursor, deadLetterFile, new BatchConfig(maxEvents, ByteSize.ofMebibytes(1), Duration.ofMillis(1)),
                new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(4))), Clock.systemUTC(),
                Failpoints.none(), new OutputStatus("out", "test", sink.destination())), cursor.load());
    }

    /** Appends events of {@code source}, received now, and waits until they are durable; returns the last seq. */
    public long append(String source, String... messages) throws Exception {
        List<Event> events = new ArrayList<>();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < messages.length; i++) {
            events.add(Event.line(source, -1, now + i, messages[i].getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get();
        return last;
    }

    /** Steps the worker until its cursor reaches {@code seq}, at most {@code steps} steps; the cursor reached. */
    public long runUntilAcked(long seq, int steps) throws Exception {
        for (int i = 0; i < steps && worker.status().ackedSeq < seq; i++) {
            worker.runOnce();
        }
        return worker.status().ackedSeq;
    }

    public OutputStatus status() {
        return worker.status();
    }

    /** The dead-lettered records, one envelope a line. */
    public List<String> deadLetters() throws Exception {
        return Files.exists(deadLetterFile) ? Files.readAllLines(deadLetterFile) : List.of();
    }

    @Override
    public void close() {
        worker.close();
        journal.close();
    }
}
