package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivered batch whose cursor cannot be written: the worker keeps retrying the write (nothing is lost: a crash
 * resends the batch), and says so in its status, which /health publishes (cursor_commit_failing, last_error).
 */
class OutputWorkerCursorTest {

    @TempDir
    Path dir;

    private Journal journal;
    private OutputWorker worker;

    @BeforeEach
    void setUp() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
    }

    @AfterEach
    void tearDown() {
        if (worker != null) {
            worker.close();
        }
        journal.close();
    }

    private OutputWorker start(String id, Path cursorFile) {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        OutputStatus status = new OutputStatus(id, "test", sink.destination());
        worker = new OutputWorker(new OutputWorker.Parts(id, journal, sink, new LineEncoder(),
                new CursorStore(cursorFile, true), dir.resolve("dead-letter").resolve("out.ndjson"),
                new BatchConfig(100, ByteSize.ofMebibytes(1), Duration.ofMillis(1)),
                new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(20))), Clock.systemUTC(),
                Failpoints.none(), status), 0);
        journal.registerConsumer(() -> status.ackedSeq);
        worker.start();
        return worker;
    }

    private long append(String... messages) throws Exception {
        List<Event> events = java.util.Arrays.stream(messages)
                .map(m -> Event.line("app", -1, 0, m.getBytes(StandardCharsets.UTF_8), 0)).toList();
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get();
        return last;
    }

    @Test
    void aCursorFileNameTooLongIsRetriedAndReportedInLastErrorAndACounter() throws Exception {
        String id = "o".repeat(300); // the fault campaign's id: <id>.cursor is over the 255-byte name limit
        Path cursors = Files.createDirectories(dir.resolve("cursors"));
        append("a", "b", "c");
        OutputStatus s = start(id, cursors.resolve(id + ".cursor")).status();

        TestJournals.await("two failed cursor writes", () -> s.cursorCommitFailures.sum() >= 2);

        assertThat(s.deliveredRecords.sum()).as("the batch was delivered").isEqualTo(3);
        assertThat(s.ackedSeq).as("but not recorded").isZero();
        assertThat(s.cursorFailingSince).isPositive();
        assertThat(s.lastErrorKind).isEqualTo(Outcome.ErrorKind.CURSOR_COMMIT);
        assertThat(s.lastError).contains("cannot persist cursor 3").contains("File name too long");
        assertThat(s.cursorError).isEqualTo(s.lastError);
        assertThat(s.consecutiveFailures).as("no send failed").isZero();
    }

    @Test
    void aCursorWriteThatSucceedsAgainClearsTheFailureAndMovesTheCursor() throws Exception {
        Path cursors = dir.resolve("cursors-later"); // missing: every write fails until it exists
        long last = append("a", "b");
        OutputStatus s = start("central", cursors.resolve("central.cursor")).status();
        TestJournals.await("a failed cursor write", () -> s.cursorFailingSince != 0);
        long since = s.cursorFailingSince;
        assertThat(s.lastError).contains("NoSuchFileException");

        Files.createDirectories(cursors);
        TestJournals.await("the cursor recorded", () -> s.ackedSeq == last);

        assertThat(s.cursorFailingSince).isZero();
        assertThat(s.cursorError).isNull();
        assertThat(s.lastError).isNull();
        assertThat(s.lastErrorKind).isNull();
        assertThat(s.cursorCommitFailures.sum()).as("the failures stay counted").isPositive();
        assertThat(since).isPositive();
        assertThat(new CursorStore(cursors.resolve("central.cursor"), true).load()).isEqualTo(last);
    }
}
