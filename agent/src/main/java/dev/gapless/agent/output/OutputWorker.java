package dev.gapless.agent.output;

import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.config.BatchConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output's delivery loop: read a batch after the cursor, encode it, send it, record the outcome, and only then
 * commit the cursor. The steps overlap: while a batch is being sent, the worker commits the cursor of the batch
 * delivered before it and reads and encodes the next one. So at most one cursor write is under way (always of the
 * newest delivered seq, never of one not yet delivered), and after a crash at most two batches are sent again: the
 * one delivered whose cursor write had not completed, and the one in flight. Retryable failures retry the same
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

    /**
     * Collaborators of a worker; see the fields of the same names.
     *
     * @param ticker the monotonic time of every deadline (backoff, {@code max_wait})
     * @param waiter how the worker waits (sleeps out a backoff, lingers for records)
     */
    public record Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor,
            Path deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
            OutputStatus status, Ticker ticker, Waiter waiter) {

        /** Parts with the JVM's monotonic clock and real waiting. */
        public Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor,
                Path deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
                OutputStatus status) {
            this(id, journal, sink, encoder, cursor, deadLetterFile, batch, backoff, clock, failpoints, status,
                    Ticker.SYSTEM, Waiter.blocking(Ticker.SYSTEM));
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
        this.committer = new Committer(new Committer.Parts(id, p.journal(), reader, p.cursor(), backoff, waiter,
                p.clock(), status, () -> running), ackedSeq);
        this.source = new BatchSource(new BatchSource.Parts(id, p.journal(), reader, p.encoder(), p.batch(), ticker,
                waiter, committer, status, () -> running));
        this.sender = new Sender(new Sender.Parts(id, sink, backoff, new DeadLetters(p.deadLetterFile()), ticker,
                p.clock(), status, p.failpoints().wedgeAfter(id)));
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

    /** One step: fill a batch if none is pending, else make one attempt to send it. */
    void runOnce() throws InterruptedException {
        Batch batch = source.current();
        if (batch == null && !source.readAhead() && committer.behind()) {
            committer.commit(); // nothing sent meanwhile to overlap with: record the delivery now
            return;
        }
        if (batch == null) {
            batch = source.fill();
            if (batch == null) {
                return;
            }
            committer.track(batch.firstSeq(), batch.lastSeq());
        }
        long waitNanos = batch.retryAtNanos() - ticker.nanoTime();
        if (waitNanos > 0) {
            waiter.sleep(waitNanos);
            if (batch.retryAtNanos() - ticker.nanoTime() > 0) {
                return; // woken before the backoff ended (a test stepping the ticker): not yet
            }
        }
        EncodedBatch encoded = batch.encoded();
        if (encoded.length() == 0) {
            // Nothing this codec writes (e.g. heartbeats under codec: line): done without a send.
            committer.delivered(encoded.firstSeq(), encoded.lastSeq());
            nextRange(batch);
            return;
        }
        Outcome outcome = sender.send(batch, whileInFlight);
        switch (sender.record(batch, outcome)) {
            case DELIVERED -> {
                committer.delivered(encoded.firstSeq(), encoded.lastSeq());
                nextRange(batch);
            }
            case REJECTED -> {
                committer.rejected(encoded.firstSeq(), encoded.lastSeq());
                committer.commit();
                nextRange(batch);
            }
            case SPLIT -> source.encodeRange(batch);
            case RETRY -> {
                // the same range again, at its retry time
            }
        }
    }

    /** While the batch travels: record the previous delivery, and read and encode the next batch. */
    private void whileInFlight() throws InterruptedException {
        if (committer.behind()) {
            committer.commit();
        }
        source.prefetch();
    }

    /** Moves to the next range of a split batch, or ends the batch. */
    private void nextRange(Batch batch) {
        if (batch.nextRange()) {
            source.encodeRange(batch);
        } else {
            source.done();
        }
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
        }
        sink.close();
    }
}
