package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.StepClock;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's timing on a stepped clock: backoff before a retry and {@code max_wait} for a batch to fill, with
 * the {@link Ticker} and {@link Waiter} injected, so nothing sleeps.
 */
class OutputWorkerTimingTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final StepClock clock = new StepClock();
    private final StepWaiter waiter = new StepWaiter(clock);
    private Journal journal;
    private CursorStore cursor;
    private OutputWorker worker;
    private final OutputWorkerTest.ScriptedSink sink = new OutputWorkerTest.ScriptedSink();
    // The ticker's reading at each send, in order.
    private final List<Long> sentAt = new ArrayList<>();

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

    private OutputWorker worker(int maxEvents, Duration maxWait, RetryConfig retry) {
        OutputStatus status = new OutputStatus("out", "test", sink.destination());
        worker = new OutputWorker(new OutputWorker.Parts("out", journal, sink, new LineEncoder(), cursor,
                dir.resolve("dead-letter").resolve("out.ndjson"),
                new BatchConfig(maxEvents, ByteSize.ofMebibytes(1), maxWait), new Backoff(retry), clock,
                Failpoints.none(), status, clock, waiter), 0);
        return worker;
    }

    /** Answers the sends in turn from {@code outcomes}, then delivers; notes the ticker at each send. */
    private void answer(Outcome... outcomes) {
        Deque<Outcome> script = new ArrayDeque<>(List.of(outcomes));
        sink.answer = p -> {
            sentAt.add(clock.nanoTime());
            return script.isEmpty() ? Outcome.DELIVERED : script.poll();
        };
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

    @Test
    void aRetryIsNotSentBeforeItsBackoffEndsOnTheTickerAndIsSentOnceItHas() throws Exception {
        answer(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, "down", null));
        long last = append("a");
        OutputWorker w = worker(10, Duration.ofMillis(1), new RetryConfig(SECOND, SECOND));

        w.runOnce();
        assertThat(sink.sent).hasSize(1);
        assertThat(w.status().consecutiveFailures).isEqualTo(1);

        w.runOnce(); // the waiter returns at once and the ticker has not moved: too early
        assertThat(sink.sent).as("not sent before the backoff ends").hasSize(1);
        long backoff = waiter.sleeps.get(0);
        assertThat(backoff).as("full jitter over [initial/2, initial]").isBetween(SECOND.toNanos() / 2,
                SECOND.toNanos());

        clock.advanceNanos(backoff - 1);
        w.runOnce();
        assertThat(sink.sent).as("1 ns before the backoff ends").hasSize(1);
        assertThat(waiter.sleeps).containsExactly(backoff, 1L);

        clock.advanceNanos(1);
        w.runOnce();
        assertThat(sink.sent).as("sent once the backoff ended").containsExactly("a\n", "a\n");
        assertThat(sentAt.get(1) - sentAt.get(0)).isEqualTo(backoff);
        assertThat(w.status().consecutiveFailures).isZero();
        assertThat(waiter.sleeps).as("no more sleeping once due").hasSize(2);

        w.runOnce(); // nothing else to send: the delivered batch's cursor is written now
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void aDestinationsRetryAfterHoldsTheNextAttemptUntilItEndsOnTheTicker() throws Exception {
        answer(new Outcome.Retryable(Outcome.ErrorKind.REFUSED, "HTTP 503", Duration.ofSeconds(3)));
        append("a");
        OutputWorker w = worker(10, Duration.ofMillis(1), new RetryConfig(Duration.ofMillis(1),
                Duration.ofSeconds(10)));
        w.runOnce();
        clock.advance(Duration.ofMillis(2999));
        w.runOnce();
        assertThat(sink.sent).hasSize(1);
        assertThat(waiter.sleeps).containsExactly(Duration.ofMillis(1).toNanos());
        clock.advance(Duration.ofMillis(1));
        w.runOnce();
        assertThat(sink.sent).hasSize(2);
        assertThat(sentAt.get(1) - sentAt.get(0)).isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void aBatchLingersForMaxWaitOnTheTickerTakingWhatArrivesMeanwhile() throws Exception {
        answer();
        append("a", "b");
        waiter.timePasses = true;
        waiter.duringRecordWaits.add(() -> {
            try {
                clock.advance(Duration.ofMillis(300));
                append("c");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        OutputWorker w = worker(10, SECOND, new RetryConfig(SECOND, SECOND));
        long start = clock.nanoTime();

        w.runOnce();

        assertThat(sink.sent).as("one batch, at max_wait, with what came during it").containsExactly("a\nb\nc\n");
        assertThat(waiter.recordWaits).as("waited out the rest of max_wait after c came")
                .containsExactly(SECOND.toNanos(), Duration.ofMillis(700).toNanos());
        assertThat(sentAt).containsExactly(start + SECOND.toNanos());
        assertThat(waiter.sleeps).isEmpty();
    }

    @Test
    void aFullBatchGoesAtOnceAndOneReadAheadLingersFromItsFirstRead() throws Exception {
        answer();
        append("a", "b", "c");
        waiter.timePasses = true;
        OutputWorker w = worker(2, Duration.ofMinutes(60), new RetryConfig(SECOND, SECOND));
        long start = clock.nanoTime();

        w.runOnce(); // sends a, b (max_events) and reads c ahead meanwhile
        assertThat(sink.sent).containsExactly("a\nb\n");
        assertThat(waiter.recordWaits).as("a full batch does not linger").isEmpty();
        assertThat(sentAt).containsExactly(start);

        clock.advance(Duration.ofMinutes(40));
        w.runOnce();
        assertThat(sink.sent).containsExactly("a\nb\n", "c\n");
        assertThat(waiter.recordWaits).as("max_wait counted from when c was read, not from now")
                .containsExactly(Duration.ofMinutes(20).toNanos());
        assertThat(sentAt.get(1) - start).isEqualTo(Duration.ofMinutes(60).toNanos());
    }
}
