package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gapless.agent.codec.LineEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class OutputWorkerTest {

    @TempDir
    Path dir;

    private Journal journal;
    private CursorStore cursor;
    private Path deadLetterFile;
    private final List<OutputWorker> workers = new ArrayList<>();

    /** A sink that answers each send with what the test says; it keeps every payload it was given. */
    static class ScriptedSink implements Sink {
        final List<String> sent = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();
        // Per send, each frame as "<seq>=<its bytes>"; the frames of a send must make up its payload.
        final List<List<String>> framed = new ArrayList<>();
        Function<String, Outcome> answer = p -> Outcome.DELIVERED;

        @Override
        public CompletionStage<Outcome> send(EncodedBatch batch) {
            String payload = new String(batch.bytes(), 0, batch.length(), StandardCharsets.UTF_8);
            sent.add(payload);
            List<String> frames = new ArrayList<>();
            StringBuilder whole = new StringBuilder();
            for (int i = 0; i < batch.frames().count(); i++) {
                String bytes = new String(batch.bytes(), batch.frames().start(i),
                        batch.frames().end(i) - batch.frames().start(i), StandardCharsets.UTF_8);
                frames.add(batch.frames().seq(i) + "=" + bytes);
                whole.append(bytes);
            }
            assertThat(whole.toString()).as("the frames make up the payload").isEqualTo(payload);
            framed.add(frames);
            Outcome o = answer.apply(payload);
            if (o instanceof Outcome.Delivered) {
                delivered.addAll(Arrays.asList(payload.split("\n")));
            }
            return CompletableFuture.completedFuture(o);
        }

        @Override
        public String destination() {
            return "scripted";
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        cursor = new CursorStore(dir.resolve("out.cursor"), true);
        deadLetterFile = dir.resolve("dead-letter").resolve("out.ndjson");
    }

    @AfterEach
    void tearDown() {
        workers.forEach(OutputWorker::close);
        journal.close();
    }

    private OutputWorker worker(Sink sink, int maxEvents) throws Exception {
        return worker(sink, maxEvents, new LineEncoder());
    }

    private OutputWorker worker(Sink sink, int maxEvents, dev.gapless.agent.codec.Encoder encoder) throws Exception {
        OutputStatus status = new OutputStatus("out", "test", sink.destination());
        OutputWorker w = new OutputWorker(new OutputWorker.Parts("out", journal, sink, encoder, cursor,
                deadLetterFile, new BatchConfig(maxEvents, ByteSize.ofMebibytes(1), Duration.ofMillis(1)),
                new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(4))), Clock.systemUTC(),
                Failpoints.none(), status), cursor.load());
        workers.add(w);
        return w;
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

    /** ~1.5 MiB of records over the test's 1 MiB segments; returns the last seq. */
    private long appendOverSeveralSegments() throws Exception {
        long last = 0;
        for (int i = 0; i < 10; i++) {
            last = append(numbered("x".repeat(300) + "-" + i + "-", 500));
        }
        return last;
    }

    /** Steps the worker until its cursor reaches {@code seq}, with a bound on the steps. */
    private void runUntilAcked(OutputWorker w, long seq) throws Exception {
        for (int i = 0; i < 1000 && w.status().ackedSeq < seq; i++) {
            w.runOnce();
        }
        assertThat(w.status().ackedSeq).isGreaterThanOrEqualTo(seq);
    }

    private static String[] numbered(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return out;
    }

    @Test
    void deliversInOrderAndCommitsTheCursorOnlyAfterDelivered() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        List<Long> cursorDuringSend = new ArrayList<>();
        sink.answer = p -> {
            try {
                cursorDuringSend.add(cursor.load());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return Outcome.DELIVERED;
        };
        long last = append(numbered("e", 10));
        OutputWorker w = worker(sink, 4);
        runUntilAcked(w, last);
        assertThat(sink.delivered).containsExactly(numbered("e", 10));
        assertThat(sink.sent).hasSize(3); // 4 + 4 + 2
        // A batch's cursor is written while the next batch is in flight (this sink answers within send): the
        // cursor never passes a seq that was not delivered, and lags by at most one delivered batch.
        assertThat(cursorDuringSend).containsExactly(0L, 0L, 4L);
        assertThat(cursor.load()).isEqualTo(last);
        assertThat(w.status().deliveredRecords.sum()).isEqualTo(10);
    }

    @Test
    void retryableRetriesTheSameBatchWithBackoffCountingFailures() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        Deque<Outcome> script = new ArrayDeque<>(List.of(
                new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, "down", null),
                new Outcome.Retryable(Outcome.ErrorKind.REFUSED, "HTTP 503", Duration.ofMillis(2)),
                Outcome.DELIVERED));
        sink.answer = p -> script.isEmpty() ? Outcome.DELIVERED : script.poll();
        long last = append("a", "b");
        OutputWorker w = worker(sink, 10);
        w.runOnce();
        assertThat(w.status().consecutiveFailures).isEqualTo(1);
        assertThat(w.status().lastErrorKind).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        assertThat(cursor.load()).isZero();
        w.runOnce();
        assertThat(w.status().consecutiveFailures).isEqualTo(2);
        assertThat(w.status().lastErrorKind).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(cursor.load()).isZero();
        w.runOnce();
        assertThat(w.status().consecutiveFailures).isZero();
        assertThat(w.status().lastErrorKind).isNull();
        assertThat(sink.sent).containsExactly("a\nb\n", "a\nb\n", "a\nb\n");
        w.runOnce(); // nothing else to send: the delivered batch's cursor is written now
        assertThat(cursor.load()).isEqualTo(last);
        assertThat(w.status().failedAttempts.sum()).isEqualTo(2);
        // per-output figures: every attempt's records sent, the failed ones' retried, one latency per delivery
        assertThat(w.status().sentRecords.sum()).isEqualTo(6);
        assertThat(w.status().retriedRecords.sum()).isEqualTo(4);
        assertThat(w.status().ackLatency.getCount()).isEqualTo(1);
    }

    @Test
    void aSinkThatThrowsIsAnInternalErrorNotAnUnreachableDestination() throws Exception {
        ScriptedSink throwing = new ScriptedSink() {
            @Override
            public CompletionStage<Outcome> send(EncodedBatch batch) {
                sent.add("attempt");
                if (sent.size() == 1) {
                    throw new IllegalStateException("a bug in the sink");
                }
                if (sent.size() == 2) {
                    return CompletableFuture.failedFuture(new java.io.IOException("Connection reset by peer"));
                }
                return CompletableFuture.completedFuture(Outcome.DELIVERED);
            }
        };
        long last = append("a");
        OutputWorker w = worker(throwing, 10);
        w.runOnce();
        assertThat(w.status().lastErrorKind).isEqualTo(Outcome.ErrorKind.INTERNAL);
        assertThat(w.status().lastError).contains("a bug in the sink");
        assertThat(w.status().consecutiveFailures).isEqualTo(1);
        w.runOnce();
        assertThat(w.status().lastErrorKind).as("an I/O failure is still the network's")
                .isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        runUntilAcked(w, last);
        assertThat(w.status().lastErrorKind).isNull();
    }

    @Test
    void aCommitLetsRetentionDeleteWhatTheCursorPassed() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        OutputWorker w = worker(sink, 1000);
        journal.registerConsumer(w::committedSeq);
        long last = appendOverSeveralSegments();
        runUntilAcked(w, last);
        for (int i = 0; i < 1000 && w.committedSeq() < last; i++) {
            w.runOnce(); // the last delivery's cursor is written on the next step
        }
        assertThat(w.committedSeq()).isEqualTo(last).isEqualTo(cursor.load());
        assertThat(journal.firstSeq()).as("the commit let retention delete the segments it passed")
                .isGreaterThan(1);
    }

    @Test
    void retentionGoesByTheCommittedCursorNotTheHealthFigure() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        OutputWorker w = worker(sink, 1000);
        journal.registerConsumer(w::committedSeq);
        long last = appendOverSeveralSegments();
        w.status().ackedSeq = last; // what /health shows is not what retention goes by
        assertThat(journal.retain()).as("nothing committed yet").isZero();
        assertThat(journal.firstSeq()).isEqualTo(1);
    }

    @Test
    void rejectedEventIsDeadLetteredDeclaredLostAndPassed() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> p.contains("poison") ? new Outcome.Rejected("HTTP 400: bad event") : Outcome.DELIVERED;
        long poisonSeq = append("poison");
        long last = append("after");
        OutputWorker w = worker(sink, 1);
        w.runOnce();
        assertThat(w.status().lastErrorKind).isEqualTo(Outcome.ErrorKind.REJECTED);
        assertThat(w.status().ackedSeq).as("the cursor passes the rejected event").isEqualTo(poisonSeq);
        runUntilAcked(w, last);
        assertThat(sink.delivered).containsExactly("after");
        assertThat(w.status().rejectedRecords.sum()).isEqualTo(1);
        List<String> dead = Files.readAllLines(deadLetterFile);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).contains("\"from_seq\":" + poisonSeq, "\"to_seq\":" + poisonSeq,
                "\"reason\":\"HTTP 400: bad event\"", "\"payload\":\"poison\\n\"");
        assertThat(lossMarkers()).containsExactly("{\"from_seq\":" + poisonSeq + ",\"to_seq\":" + poisonSeq
                + ",\"count\":1,\"reason\":\"rejected\",\"output\":\"out\"}");
    }

    @Test
    void partlyRejectedBatchIsPassedWholeWithOneLossMarkerCarryingTheCount() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> p.startsWith("a") ? new Outcome.PartlyRejected(2, "partial_success: 2 rejected")
                : Outcome.DELIVERED;
        long lastA = append("a1", "a2", "a3", "a4");
        long last = append("b");
        OutputWorker w = worker(sink, 4);
        runUntilAcked(w, last);
        assertThat(sink.sent).as("sent once, neither split nor retried").containsExactly("a1\na2\na3\na4\n", "b\n");
        assertThat(w.status().rejectedRecords.sum()).isEqualTo(2);
        assertThat(w.status().deliveredRecords.sum()).isEqualTo(3);
        assertThat(deadLetterFile).doesNotExist();
        assertThat(lossMarkers()).containsExactly("{\"from_seq\":" + (lastA - 3) + ",\"to_seq\":" + lastA
                + ",\"count\":2,\"reason\":\"partial_rejected\",\"output\":\"out\"}");
        assertThat(journal.durableSeq()).as("the marker is durable, the cursor passed it").isGreaterThan(last);
    }

    @Test
    void rejectedBatchIsSplitSoOnlyThePoisonIsDeadLettered() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> p.contains("poison") ? new Outcome.Rejected("HTTP 400") : Outcome.DELIVERED;
        String[] messages = numbered("ok", 16);
        messages[5] = "poison-a";
        messages[12] = "poison-b";
        long last = append(messages);
        OutputWorker w = worker(sink, 16);
        runUntilAcked(w, last);
        List<String> expected = new ArrayList<>(Arrays.asList(numbered("ok", 16)));
        expected.remove("ok12");
        expected.remove("ok5");
        assertThat(sink.delivered).containsExactlyElementsOf(expected);
        assertThat(w.status().rejectedRecords.sum()).isEqualTo(2);
        assertThat(Files.readAllLines(deadLetterFile)).hasSize(2)
                .allMatch(l -> l.contains("poison") && !l.contains("ok"));
        assertThat(lossMarkers()).containsExactly(
                "{\"from_seq\":6,\"to_seq\":6,\"count\":1,\"reason\":\"rejected\",\"output\":\"out\"}",
                "{\"from_seq\":13,\"to_seq\":13,\"count\":1,\"reason\":\"rejected\",\"output\":\"out\"}");
        // halving is bounded: two poisons in 16 need at most 2 * (1 + 2 * log2 16) sends
        assertThat(sink.sent.size()).isLessThanOrEqualTo(18);
        assertThat(cursor.load()).isGreaterThanOrEqualTo(last);
    }

    @Test
    void framesNameEachRecordsBytesAndSeqAlsoInTheHalvesOfASplitBatch() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> p.contains("poison") ? new Outcome.Rejected("HTTP 400") : Outcome.DELIVERED;
        long last = append("a", "b", "poison", "d");
        OutputWorker w = worker(sink, 4);
        runUntilAcked(w, last);
        long first = last - 3;
        assertThat(sink.framed).containsExactly(
                List.of(first + "=a\n", (first + 1) + "=b\n", (first + 2) + "=poison\n", (first + 3) + "=d\n"),
                List.of(first + "=a\n", (first + 1) + "=b\n"),
                List.of((first + 2) + "=poison\n", (first + 3) + "=d\n"),
                List.of((first + 2) + "=poison\n"),
                List.of((first + 3) + "=d\n"));
    }

    @Test
    void batchWhereEveryEventIsRefusedEndsWithEachDeadLettered() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> new Outcome.Rejected("HTTP 400");
        long last = append(numbered("poison", 8));
        OutputWorker w = worker(sink, 8);
        runUntilAcked(w, last);
        assertThat(sink.sent).hasSize(15); // 2n - 1
        assertThat(Files.readAllLines(deadLetterFile)).hasSize(8);
        assertThat(lossMarkers()).hasSize(8);
    }

    @Test
    void aDestinationThatRefusesLossMarkersTooEndsWithOneMarkerPerRefusedEvent() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.answer = p -> new Outcome.Rejected("HTTP 400 strict mapping"); // events and loss markers alike
        long last = append("poison-1", "poison-2");
        OutputWorker w = worker(sink, 8, new dev.gapless.agent.codec.EnvelopeEncoder(java.util.UUID.randomUUID(),
                "test-host", journal::durableSeq));
        runUntilAcked(w, last);
        // the markers of 1 and 2 are refused in turn; each is dead-lettered, not declared by a marker of its own
        for (int i = 0; i < 100 && w.status().ackedSeq < journal.headSeq(); i++) {
            w.runOnce();
        }
        assertThat(w.status().ackedSeq).isEqualTo(journal.headSeq());
        assertThat(lossMarkers()).hasSize(2);
        assertThat(journal.headSeq()).isEqualTo(last + 2);
        assertThat(Files.readAllLines(deadLetterFile)).hasSize(4);
    }

    @Test
    void nextBatchIsReadWhileOneIsInFlightAndTheCursorFollowsOnlyDeliveries() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        List<Long> cursorDuringSend = new ArrayList<>();
        sink.answer = p -> {
            try {
                cursorDuringSend.add(cursor.load());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return p.contains("fail-once") && cursorDuringSend.size() == 2
                    ? new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, "down", null) : Outcome.DELIVERED;
        };
        String[] messages = numbered("e", 12);
        messages[5] = "fail-once";
        long last = append(messages);
        OutputWorker w = worker(sink, 4);
        runUntilAcked(w, last);
        // 0..3, then 4..7 fails once and is sent again, then 8..11: in order, nothing skipped, nothing doubled
        assertThat(sink.sent).hasSize(4);
        assertThat(sink.delivered).containsExactly(messages);
        for (int i = 0; i < cursorDuringSend.size(); i++) {
            assertThat(cursorDuringSend.get(i)).isLessThanOrEqualTo(i == 0 ? 0 : Math.min(4L * i, 8L));
        }
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void stopRecordsTheCursorOfWhatWasDelivered() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        long last = append("x", "y");
        OutputWorker w = worker(sink, 10);
        w.start();
        TestJournals.await("delivered", () -> sink.delivered.size() == 2);
        w.close();
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void aStopThatInterruptsTheCursorWriteIsNoErrorAndRecordsTheDelivery() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        long last = append("x", "y");
        AtomicReference<OutputWorker> self = new AtomicReference<>();
        // The second send (batch "y") is where the worker writes the first batch's cursor while the batch travels:
        // stop the worker right then, from its own thread, so the interrupt hits that write.
        sink.answer = p -> {
            if (p.equals("y\n")) {
                self.get().stop(1); // running = false and an interrupt, as Agent.close does from another thread
            }
            return Outcome.DELIVERED;
        };
        OutputWorker w = worker(sink, 1);
        self.set(w);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(OutputWorker.class);
        logger.addAppender(logs);
        try {
            w.start();
            TestJournals.await("both recorded, or an ERROR", () -> cursorIs(last)
                    || logs.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR));
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.ERROR);
        assertThat(cursor.load()).as("the stop recorded both deliveries").isEqualTo(last);
    }

    private boolean cursorIs(long seq) {
        try {
            return cursor.load() == seq;
        } catch (java.io.IOException e) {
            return false; // being replaced
        }
    }

    @Test
    void restartResumesAfterTheCursor() throws Exception {
        ScriptedSink first = new ScriptedSink();
        long firstLast = append("1", "2", "3");
        OutputWorker w1 = worker(first, 10);
        runUntilAcked(w1, firstLast);
        w1.close();
        workers.remove(w1);
        long last = append("4", "5");
        ScriptedSink second = new ScriptedSink();
        OutputWorker w2 = worker(second, 10);
        runUntilAcked(w2, last);
        assertThat(first.delivered).containsExactly("1", "2", "3");
        assertThat(second.delivered).containsExactly("4", "5");
    }

    @Test
    void runsOnItsThreadAndStops() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        OutputWorker w = worker(sink, 100);
        w.start();
        long last = append("x", "y");
        TestJournals.await("delivered", () -> w.status().ackedSeq >= last);
        w.close();
        assertThat(cursor.load()).isEqualTo(last);
    }

    @Test
    void fillDoesNotSpinUntilMaxWaitWhileTheReaderIsStuck() throws Exception {
        append("s1", "s2");
        long last = append("s3-stuck", "s4"); // an append of its own: s3 starts a Chronicle document
        // Zero the Chronicle header of s3's document in the active segment: the reader sees the end of the data
        // there although s3 and s4 are durable, so it is stuck until the writer rolls.
        Path data;
        try (var files = Files.walk(dir.resolve("journal"))) {
            data = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(data);
        int at = indexOf(bytes, "s3-stuck".getBytes(StandardCharsets.UTF_8)) - 66 - "app".length() - 4;
        try (var ch = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(4), at);
        }
        ScriptedSink sink = new ScriptedSink();
        OutputStatus status = new OutputStatus("out", "test", sink.destination());
        OutputWorker w = new OutputWorker(new OutputWorker.Parts("out", journal, sink, new LineEncoder(), cursor,
                deadLetterFile, new BatchConfig(10, ByteSize.ofMebibytes(1), Duration.ofMillis(1500)),
                new Backoff(new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(4))), Clock.systemUTC(),
                Failpoints.none(), status), cursor.load());
        workers.add(w);
        long start = System.nanoTime();
        w.runOnce();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(sink.delivered).containsExactly("s1", "s2");
        assertThat(tookMs).as("max_wait is 1500 ms; a stuck reader must not hold the batch until then")
                .isLessThan(750);
        assertThat(last).isEqualTo(4);
    }

    @Test
    void workerThreadSurvivesAnErrorFromTheSinkAndDeliversTheSameBatch() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        java.util.concurrent.atomic.AtomicBoolean thrown = new java.util.concurrent.atomic.AtomicBoolean();
        sink.answer = p -> {
            if (thrown.compareAndSet(false, true)) {
                throw new StackOverflowError("injected");
            }
            return Outcome.DELIVERED;
        };
        long last = append("x", "y");
        OutputWorker w = worker(sink, 100);
        w.start();
        TestJournals.await("delivered after the Error", () -> w.status().ackedSeq >= last);
        assertThat(sink.delivered).containsExactly("x", "y");
        assertThat(w.status().failedAttempts.sum()).isEqualTo(1);
    }

    @Test
    void cursorDoesNotPassAnUnencodableRecordUntilItsLossMarkerIsWritten() throws Exception {
        long last = append("a", "bad", "c");
        JournalHooks.failForces(journal); // from now on no loss marker can be written
        ScriptedSink sink = new ScriptedSink();
        LineEncoder lines = new LineEncoder();
        OutputWorker w = worker(sink, 10, (r, out) -> {
            if (new String(r.message(), StandardCharsets.UTF_8).equals("bad")) {
                throw new IllegalArgumentException("cannot encode");
            }
            lines.encode(r, out);
        });
        w.start();
        TestJournals.await("the batch delivered", () -> sink.delivered.size() == 2);
        assertThat(sink.delivered).containsExactly("a", "c");
        assertCursorStays(0, 300);
        w.stop(5000);
        assertThat(cursor.load()).as("the batch is sent again at next start: never a silent hole").isZero();
        assertThat(last).isEqualTo(3);
    }

    @Test
    void cursorPassesAHoleOnlyOnceTheReadersLossMarkerIsDurable() throws Exception {
        append("c1", "c2-corrupt-me", "c3");
        journal.close();
        Path data;
        try (var files = Files.walk(dir.resolve("journal"))) {
            data = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        int at = indexOf(Files.readAllBytes(data), "c2-corrupt-me".getBytes(StandardCharsets.UTF_8));
        try (var ch = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), at + 3); // fails its CRC
        }
        journal = TestJournals.open(dir.resolve("journal"));
        java.util.concurrent.CountDownLatch forces = new java.util.concurrent.CountDownLatch(1);
        JournalHooks.holdForces(journal, forces); // the marker the reader writes stays not durable
        ScriptedSink sink = new ScriptedSink();
        OutputWorker w = worker(sink, 10);
        w.start();
        try {
            TestJournals.await("the batch around the hole delivered", () -> sink.delivered.size() == 2);
            assertThat(sink.delivered).containsExactly("c1", "c3");
            assertThat(journal.headSeq()).as("the marker is written").isEqualTo(4);
            assertThat(journal.durableSeq()).as("but not durable").isEqualTo(3);
            assertCursorStays(0, 300);
        } finally {
            forces.countDown();
        }
        TestJournals.await("the cursor past the hole", () -> w.status().ackedSeq >= 3);
        assertThat(journal.durableSeq()).isGreaterThanOrEqualTo(4);
        assertThat(lossMarkers()).containsExactly(
                "{\"from_seq\":2,\"to_seq\":2,\"count\":1,\"reason\":\"corrupt_record\"}");
    }

    /** The cursor must not move: watched for {@code millis} (a bound on a negative, not a wait for a result). */
    private void assertCursorStays(long seq, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            assertThat(cursor.load()).isEqualTo(seq);
            Thread.sleep(10);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private List<String> lossMarkers() throws Exception {
        List<String> out = new ArrayList<>();
        for (JournalRecord r : TestJournals.readAll(journal, 0, journal.headSeq())) {
            if (r.kind() == RecordKind.LOSS) {
                out.add(new String(r.extra(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
