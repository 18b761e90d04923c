package dev.gapless.agent.output;

import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.output.route.Route;
import dev.gapless.config.BatchConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output's delivery loop: read a batch after the cursor, encode it, send it, record the outcome, and only then
 * commit the cursor. The steps overlap: while a batch is being sent, the worker commits the cursor of the batches
 * delivered before it and reads and encodes the next one; with {@code batch.max_in_flight} above 1 (and a sink that
 * takes several sends at once, {@link Sink#maxInFlight()}) up to that many batches are sent before the oldest is
 * answered. Answers are taken oldest first, so the cursor moves in seq order. At most one cursor write is under way
 * (always of the newest seq below which all is delivered, never of one not yet delivered), and after a crash at most
 * {@code max_in_flight} + 1 batches are sent again: the one delivered whose cursor write had not completed, and
 * those in flight. Retryable failures retry the same
 * batch forever with backoff; a rejected batch is split in halves until the refused records are found, and only
 * those are dead-lettered and declared with a loss marker before the cursor moves past them. A worker never waits
 * on another output, so a dead destination slows nobody else.
 *
 * <p>The worker is the thread and the loop; the work is in its parts, as in Kafka's producer: {@link BatchSource}
 * (the accumulator: reads, fills, lingers, encodes, reads ahead), {@link Sender} (one attempt: send, classify,
 * back off, bisect, dead-letter) and {@link Committer} (acks to cursor, loss markers first). All their state is
 * owned by the worker thread; {@link OutputStatus} publishes it. Every time and wait goes through the injected
 * {@link Ticker} and {@link Waiter}.
 */
public final class OutputWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class);

    private final String id;
    private final CursorStore cursor;
    private final Sink sink;
    private final Backoff backoff;
    private final Ticker ticker;
    private final Waiter waiter;
    private final OutputStatus status;
    private final Thread thread;
    private volatile boolean running = true;

    // Only the worker thread (the reader also the closing thread, once the worker thread has ended).
    private final JournalReader reader;
    private final BatchSource source;
    private final Sender sender;
    private final Committer committer;
    private final Sender.WhileInFlight whileInFlight = this::whileInFlight; // made once, not at every send
    // The batches sent (or to send again) and not done, oldest first; at most maxInFlight of them.
    private final ArrayDeque<Batch> window = new ArrayDeque<>();
    private final int maxInFlight;
    // With room in the window, the longest the worker waits on the oldest send before it looks for more to send.
    private final long topUpWaitNanos;

    /**
     * Collaborators of a worker; see the fields of the same names.
     *
     * @param ticker the monotonic time of every deadline (backoff, {@code max_wait})
     * @param waiter how the worker waits (sleeps out a backoff, lingers for records)
     * @param route  which events the output carries (its {@code when:}); the others are declared skipped
     */
    public record Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor,
            Path deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
            OutputStatus status, Ticker ticker, Waiter waiter, Route route) {

        /** Parts of an output that carries every event (no {@code when:}). */
        public Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor,
                Path deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
                OutputStatus status, Ticker ticker, Waiter waiter) {
            this(id, journal, sink, encoder, cursor, deadLetterFile, batch, backoff, clock, failpoints, status,
                    ticker, waiter, Route.all());
        }

        /** Parts with the JVM's monotonic clock and real waiting. */
        public Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor,
                Path deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
                OutputStatus status) {
            this(id, journal, sink, encoder, cursor, deadLetterFile, batch, backoff, clock, failpoints, status,
                    Ticker.SYSTEM, Waiter.blocking(Ticker.SYSTEM), Route.all());
        }

        /** These parts, the output carrying only what {@code r} lets through. */
        public Parts routed(Route r) {
            return new Parts(id, journal, sink, encoder, cursor, deadLetterFile, batch, backoff, clock, failpoints,
                    status, ticker, waiter, r);
        }
    }

    public OutputWorker(Parts p, long ackedSeq) {
        this.id = p.id();
        this.sink = p.sink();
        this.backoff = p.backoff();
        this.ticker = p.ticker();
        this.waiter = p.waiter();
        this.status = p.status();
        this.reader = p.journal().openReader(id, ackedSeq);
        this.cursor = p.cursor();
        this.committer = new Committer(new Committer.Parts(id, p.journal(), reader, p.cursor(), backoff, waiter,
                p.clock(), status, () -> running), ackedSeq);
        this.source = new BatchSource(new BatchSource.Parts(id, p.journal(), reader, p.encoder(), p.route(), p.batch(),
                ticker, waiter, committer, () -> running));
        this.sender = new Sender(new Sender.Parts(id, sink, backoff, new DeadLetters(p.deadLetterFile()), ticker,
                waiter, p.clock(), status, p.failpoints().wedgeAfter(id)));
        this.maxInFlight = Math.max(1, Math.min(p.batch().maxInFlight(), sink.maxInFlight()));
        this.topUpWaitNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), p.batch().maxWait().toNanos());
        this.thread = new Thread(this::run, "gapless-output-" + id);
        this.thread.setDaemon(true);
    }

    public OutputStatus status() {
        return status;
    }

    public void start() {
        thread.start();
    }

    /** The last seq whose cursor write completed: what retention may delete up to, for this output. */
    public long committedSeq() {
        return committer.committedSeq();
    }

    private void run() {
        log.info("output {} delivering to {} from seq {}", id, sink.destination(), committer.committedSeq() + 1);
        while (running) {
            try {
                runOnce();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | InternalError | StackOverflowError e) {
                // A bug (a StackOverflowError in a codec, a fault on a mapped journal page raised late as an
                // InternalError) must not end delivery: log, count, wait, and take the same batch again. Other Errors
                // (out of memory: the launcher's ExitOnOutOfMemoryError) end the process, which recovery handles.
                status.failedAttempts.increment();
                log.error("output {}: unexpected failure, retrying: {}", id, e.toString(), e);
                try {
                    waiter.sleep(backoff.delayNanos(Math.max(1, status.consecutiveFailures), null));
                } catch (InterruptedException stopping) {
                    break;
                }
            }
        }
        Thread.interrupted(); // stopping: record what was delivered, once, so a restart does not resend it
        committer.commitAtStop();
    }

    /**
     * One step: fill a batch if none is in flight, send more while the window has room and batches are ready, then
     * take the oldest send's answer (or start it again once its backoff has passed).
     */
    void runOnce() throws InterruptedException {
        Batch head = window.peekFirst();
        if (head == null) {
            if (!source.readAhead() && committer.behind()) {
                committer.commit(); // nothing sent meanwhile to overlap with: record the delivery now
                return;
            }
            Batch batch = source.fill();
            if (batch == null || !admit(batch)) {
                return;
            }
            head = batch;
        }
        if (head.pending() == null) { // not sent yet, or its last attempt failed: (again) once its time has come
            long waitNanos = head.retryAtNanos() - ticker.nanoTime();
            if (waitNanos > 0) {
                waiter.sleep(waitNanos);
                if (head.retryAtNanos() - ticker.nanoTime() > 0) {
                    return; // woken before the backoff ended (a test stepping the ticker): not yet
                }
            }
            sender.start(head);
        }
        topUp(); // after the oldest, so that batches go out in seq order
        Outcome outcome = sender.await(head, whileInFlight, window.size() < maxInFlight ? topUpWaitNanos : 0);
        if (outcome == null) {
            return; // room in the window and the oldest send not answered yet: look for more to send
        }
        EncodedBatch encoded = head.encoded();
        switch (sender.record(head, outcome)) {
            case DELIVERED -> {
                committer.delivered(encoded.firstSeq(), encoded.lastSeq());
                nextRange(head);
            }
            case REJECTED -> {
                if (onlyLossMarkers(head)) {
                    // A destination that refuses loss markers (a strict mapping) would refuse the marker declaring
                    // this one too, and the next, without end: kept in the dead-letter file, not declared again.
                    log.error("output {}: destination refused the loss marker(s) seq {}..{}: not declared again; the "
                            + "audit of this destination will show them as a gap", id, encoded.firstSeq(),
                            encoded.lastSeq());
                    committer.delivered(encoded.firstSeq(), encoded.lastSeq());
                } else {
                    committer.rejected(encoded.firstSeq(), encoded.lastSeq());
                    committer.commit();
                }
                nextRange(head);
            }
            case PARTLY_REJECTED -> {
                committer.partlyRejected(encoded.firstSeq(), encoded.lastSeq(),
                        ((Outcome.PartlyRejected) outcome).count());
                committer.commit();
                nextRange(head);
            }
            case SPLIT -> encodeRange(head);
            case RETRY -> {
                // the same range again, at its retry time
            }
        }
    }

    /**
     * Takes a batch just filled into the window. One whose range encodes to nothing (e.g. heartbeats under
     * {@code codec: line}) is done at once, without a send.
     *
     * @return true if it is in the window, to be sent
     */
    private boolean admit(Batch batch) {
        committer.track(batch.firstSeq(), batch.lastSeq());
        window.addLast(batch);
        if (window.size() == 1) {
            publishOldest();
        }
        return !skipIfEmpty(batch);
    }

    /** Sends batches read ahead while the window has room and they are ready (full, or waited for long enough). */
    private void topUp() {
        while (window.size() < maxInFlight && running) {
            source.prefetch(window.peekFirst().splitPending());
            Batch batch = source.takeReady();
            if (batch == null) {
                return;
            }
            if (admit(batch)) {
                sender.start(batch);
            }
        }
    }

    /** While the oldest batch travels: record the deliveries before it, and read and encode the next batch. */
    private void whileInFlight() throws InterruptedException {
        if (committer.behind()) {
            committer.commit();
        }
        Batch head = window.peekFirst();
        source.prefetch(head != null && head.splitPending());
    }

    /** Encodes the batch's current range anew (a part of a split batch), done at once if it encodes to nothing. */
    private void encodeRange(Batch batch) {
        source.encodeRange(batch);
        if (batch == window.peekFirst()) {
            publishOldest();
        }
        skipIfEmpty(batch);
    }

    /** A range that encodes to nothing is delivered as it is: true if it was (and the batch moved on). */
    private boolean skipIfEmpty(Batch batch) {
        EncodedBatch encoded = batch.encoded();
        if (encoded.length() != 0) {
            return false;
        }
        committer.delivered(encoded.firstSeq(), encoded.lastSeq());
        nextRange(batch);
        return true;
    }

    /** Moves to the next range of a split batch, or ends the batch. */
    private void nextRange(Batch batch) {
        if (batch.nextRange()) {
            encodeRange(batch);
            return;
        }
        window.remove(batch);
        source.done(batch);
        publishOldest();
    }

    /** True if every record of the batch's current range is a loss marker. */
    private static boolean onlyLossMarkers(Batch batch) {
        for (int i = batch.rangeFrom(); i < batch.rangeTo(); i++) {
            if (batch.records.get(i).kind() != RecordKind.LOSS) {
                return false;
            }
        }
        return true;
    }

    /** /health's oldest_unacked: the receive time of the first record of the oldest range not done. */
    private void publishOldest() {
        Batch head = window.peekFirst();
        status.oldestUnackedReceivedAt = head == null ? 0
                : head.records.get(head.rangeFrom()).receivedAtNanos() / 1_000_000;
    }

    /**
     * Stops the worker, waiting up to {@code timeoutMs} for its current attempt; the cursor moves to what was
     * delivered before (a batch still in flight is sent again at the next start).
     */
    public void stop(long timeoutMs) {
        running = false;
        thread.interrupt();
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("output {} did not stop within {} ms; its batch will be sent again at next start", id, timeoutMs);
        }
    }

    @Override
    public void close() {
        if (running) {
            stop(5000); // not stopped before: give the attempt under way its chance (once, never twice)
        }
        if (!thread.isAlive()) {
            reader.close();
            cursor.close();
        }
        sink.close();
    }
}
