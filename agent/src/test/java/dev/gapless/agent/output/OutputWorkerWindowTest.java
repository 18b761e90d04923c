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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch.max_in_flight}: several batches sent before the oldest is answered, answers taken in any order, the
 * cursor moving only past what is delivered below it, and the window capped by what the sink takes.
 */
class OutputWorkerWindowTest {

    @TempDir
    Path dir;

    private Journal journal;
    private CursorStore cursor;
    private OutputWorker worker;

    /** A sink whose every send waits for the test to answer it. */
    static final class HeldSink implements Sink {
        record Send(String payload, CompletableFuture<Outcome> answer) {
        }

        final List<Send> sends = new CopyOnWriteArrayList<>();
        private final int maxInFlight;

        HeldSink(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        @Override
        public CompletionStage<Outcome> send(EncodedBatch batch) {
            Send s = new Send(new String(batch.bytes(), 0, batch.length(), StandardCharsets.UTF_8),
                    new CompletableFuture<>());
            sends.add(s);
            return s.answer();
        }

        /** The sends not answered yet. */
        long open() {
            return sends.stream().filter(s -> !s.answer().isDone()).count();
        }

        @Override
        public int maxInFlight() {
            return maxInFlight;
        }

        @Override
        public String destination() {
            return "held";
        }

        @Override
        public void close() {
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

    private OutputWorker start(HeldSink sink, int maxInFlight) throws Exception {
        OutputStatus status = new OutputStatus("out", "test", sink.destination());
        worker = new OutputWorker(new OutputWorker.Parts("out", journal, sink, new LineEncoder(), cursor,
                dir.resolve("dead-letter.ndjson"),
                new BatchConfig(1, ByteSize.ofMebibytes(1), Duration.ofMillis(1), maxInFlight),
                new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(4))), Clock.systemUTC(),
                Failpoints.none(), status), cursor.load());
        worker.start();
        return worker;
    }

    private long append(int n) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            events.add(Event.line("app", -1, 0, ("e" + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get();
        return last;
    }

    @Test
    void sendsUpToTheWindowAndMovesTheCursorOnlyPastWhatIsDeliveredBelowIt() throws Exception {
        long last = append(6); // seq 1..6, one event per batch (max_events: 1)
        HeldSink sink = new HeldSink(8);
        OutputWorker w = start(sink, 3);

        TestJournals.await("three sends under way", () -> sink.sends.size() == 3);
        assertThat(sink.sends).extracting(HeldSink.Send::payload).containsExactly("e1\n", "e2\n", "e3\n");
        // answers out of order: the second and third first; the cursor must not pass the first, still open
        sink.sends.get(2).answer().complete(Outcome.DELIVERED);
        sink.sends.get(1).answer().complete(Outcome.DELIVERED);
        assertThat(w.status().ackedSeq).isZero();
        assertThat(sink.sends).hasSize(3); // the window is full until its oldest is answered
        sink.sends.get(0).answer().complete(Outcome.DELIVERED);

        TestJournals.await("the next three sent", () -> sink.sends.size() == 6);
        TestJournals.await("cursor past the first three", () -> w.status().ackedSeq >= 3);
        assertThat(sink.open()).isEqualTo(3);
        // a failed send in the middle of the window is sent again; the others stay delivered
        sink.sends.get(4).answer().complete(new Outcome.Retryable(Outcome.ErrorKind.REFUSED, "HTTP 503", null));
        sink.sends.get(5).answer().complete(Outcome.DELIVERED);
        sink.sends.get(3).answer().complete(Outcome.DELIVERED);
        TestJournals.await("the failed one sent again", () -> sink.sends.size() == 7);
        assertThat(sink.sends.get(6).payload()).isEqualTo("e5\n");
        assertThat(w.status().ackedSeq).isLessThan(5);
        sink.sends.get(6).answer().complete(Outcome.DELIVERED);

        TestJournals.await("cursor at the last", () -> w.status().ackedSeq == last);
        assertThat(w.status().deliveredRecords.sum()).isEqualTo(6);
        assertThat(w.status().sentRecords.sum()).isEqualTo(7);
        assertThat(w.status().retriedRecords.sum()).isEqualTo(1);
        worker.close();
        worker = null;
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void aSinkThatTakesOneSendAtATimeCapsTheWindow() throws Exception {
        append(3);
        HeldSink sink = new HeldSink(1);
        OutputWorker w = start(sink, 16);

        TestJournals.await("one send under way", () -> sink.sends.size() == 1);
        assertThat(sink.open()).isEqualTo(1);
        sink.sends.get(0).answer().complete(Outcome.DELIVERED);
        TestJournals.await("the second sent", () -> sink.sends.size() == 2);
        assertThat(sink.open()).isEqualTo(1);
        sink.sends.get(1).answer().complete(Outcome.DELIVERED);
        TestJournals.await("the third sent", () -> sink.sends.size() == 3);
        sink.sends.get(2).answer().complete(Outcome.DELIVERED);
        TestJournals.await("cursor at the last", () -> w.status().ackedSeq == 3);
    }
}
