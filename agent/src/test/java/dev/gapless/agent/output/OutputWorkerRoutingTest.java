package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.codec.SkippedRun;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.output.route.Route;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.condition.Condition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWorkerRoutingTest {

    @TempDir
    Path dir;

    private Journal journal;
    private CursorStore cursor;
    private OutputWorker worker;

    /** Writes "e<seq>:<message>" for an event, "s<from>-<to>x<count>" for a skipped run: easy to assert on. */
    static final class TracingEncoder implements Encoder {
        @Override
        public void encode(JournalRecord r, ByteSink out) {
            if (r.kind() != RecordKind.EVENT) {
                return;
            }
            write(out, "e" + r.seq() + ":" + new String(r.message(), StandardCharsets.UTF_8));
        }

        @Override
        public void encodeSkipped(SkippedRun run, ByteSink out) {
            write(out, "s" + run.fromSeq() + "-" + run.toSeq() + "x" + run.count());
        }

        private static void write(ByteSink out, String line) {
            byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        cursor = new CursorStore(dir.resolve("out.cursor"), true);
    }

    @AfterEach
    void tearDown() {
        if (worker != null) {
            worker.close();
        }
        journal.close();
    }

    private OutputWorker worker(Sink sink, int maxEvents, Encoder encoder, String when) throws Exception {
        Condition condition = Condition.parse(when);
        OutputStatus status = new OutputStatus("out", "test", sink.destination(), condition);
        worker = new OutputWorker(new OutputWorker.Parts("out", journal, sink, encoder, cursor,
                dir.resolve("dead-letter.ndjson"), new BatchConfig(maxEvents, ByteSize.ofMebibytes(1),
                Duration.ofMillis(1)), new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(4))),
                Clock.systemUTC(), Failpoints.none(), status).routed(Route.when(condition)), cursor.load());
        return worker;
    }

    private long append(String... messages) throws Exception {
        List<Event> events = new ArrayList<>();
        for (String m : messages) {
            events.add(Event.line("app", -1, 0, m.getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get();
        return last;
    }

    private void runUntilAcked(OutputWorker w, long seq) throws Exception {
        for (int i = 0; i < 1000 && w.status().ackedSeq < seq; i++) { // bounded: fails below if it never gets there
            w.runOnce();
        }
        assertThat(w.status().ackedSeq).isGreaterThanOrEqualTo(seq);
    }

    @Test
    void eachRunOfSkippedEventsIsOneRecordInSeqOrderClosedAtTheEndOfTheBatch() throws Exception {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        // seq 1..8: keep skip skip keep skip | skip skip keep (batches of 5)
        long last = append("ERR a", "b", "c", "ERR d", "e", "f", "g", "ERR h");
        OutputWorker w = worker(sink, 5, new TracingEncoder(), "message =~ \"^ERR\"");
        runUntilAcked(w, last);
        assertThat(sink.sent).containsExactly(
                "e1:ERR a\ns2-3x2\ne4:ERR d\ns5-5x1\n",
                "s6-7x2\ne8:ERR h\n");
        assertThat(cursor.load()).as("skipped events count as delivered with their batch").isEqualTo(last);
        assertThat(sink.framed.get(0)).as("a skipped record is the frame of its run's last seq")
                .containsExactly("1=e1:ERR a\n", "3=s2-3x2\n", "4=e4:ERR d\n", "5=s5-5x1\n");
        assertThat(w.status().deliveredRecords.sum()).as("only the events carried are delivered").isEqualTo(3);
        assertThat(w.status().skippedRecords.sum()).as("the events left out, declared skipped").isEqualTo(5);
    }

    @Test
    void anEventWhoseRegexCannotBeDecidedIsSkippedCountedAndDeliveryGoesOn() throws Exception {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        // (a|b)+ recurses once per character: 50,000 of them overflow the stack, an undecided comparison
        long last = append("x", "a".repeat(50_000) + "c", "y");
        OutputWorker w = worker(sink, 10, new TracingEncoder(), "message !~ \"^(a|b)+$\"");
        runUntilAcked(w, last);
        assertThat(sink.sent).containsExactly("e1:x\ns2-2x1\ne3:y\n");
        assertThat(w.status().whenTimeouts()).isEqualTo(1);
        assertThat(w.status().failedAttempts.sum()).isZero();
    }

    @Test
    void aBatchOfOnlySkippedEventsSendsItsSkippedRecord() throws Exception {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        long last = append("a", "b", "c");
        OutputWorker w = worker(sink, 10, new TracingEncoder(), "message == \"never\"");
        runUntilAcked(w, last);
        assertThat(sink.sent).containsExactly("s1-3x3\n");
        assertThat(cursor.load()).isEqualTo(last);
        assertThat(w.status().deliveredRecords.sum()).isZero();
        assertThat(w.status().skippedRecords.sum()).isEqualTo(3);
    }

    @Test
    void aCodecWithoutSkippedRecordsWritesNothingForTheRunAndStillMovesTheCursor() throws Exception {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        long last = append("ERR a", "b", "c");
        OutputWorker w = worker(sink, 10, new dev.gapless.agent.codec.LineEncoder(), "message =~ \"^ERR\"");
        runUntilAcked(w, last);
        assertThat(sink.sent).containsExactly("ERR a\n");
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void theHalvesOfASplitBatchEachCloseTheirOwnRuns() throws Exception {
        OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
        sink.answer = p -> p.contains("poison") ? new Outcome.Rejected("HTTP 400") : Outcome.DELIVERED;
        // seq 1..4: skip, skip, ERR poison, skip; halves [1,2] and [3,4], then [3] and [4]
        long last = append("a", "b", "ERR poison", "c");
        OutputWorker w = worker(sink, 4, new TracingEncoder(), "message =~ \"^ERR\"");
        runUntilAcked(w, last);
        assertThat(sink.sent).containsExactly("s1-2x2\ne3:ERR poison\ns4-4x1\n", "s1-2x2\n",
                "e3:ERR poison\ns4-4x1\n", "e3:ERR poison\n", "s4-4x1\n");
        assertThat(sink.delivered).containsExactly("s1-2x2", "s4-4x1");
        assertThat(cursor.load()).as("past the refused event's loss marker too").isGreaterThan(last);
    }
}
