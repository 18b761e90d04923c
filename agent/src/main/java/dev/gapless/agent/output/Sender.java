package dev.gapless.agent.output;

import dev.gapless.agent.failpoint.Failpoints;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes attempts to send batches through the output's {@link Sink} ({@link #start}, then {@link #await} the answer;
 * several may be under way) and says what to do next: a sink's failure
 * comes as an {@link Outcome}; anything it throws is classified here (an I/O exception is the network's,
 * {@code UNREACHABLE}; anything else is the agent's own bug, {@code INTERNAL}). A retryable failure schedules the
 * batch's next attempt after {@link Backoff} on the {@link Ticker}; a rejected range of several records is
 * bisected, a rejected single record dead-lettered. The cursor is not its business ({@link Committer}). Publishes
 * the attempt in {@link OutputStatus}. Only the output worker thread uses it.
 */
final class Sender {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class); // the worker's log, one voice

    /** What the worker does after an attempt. */
    enum Next {
        /** The range was delivered: it is done; go on to the batch's next range, or end it. */
        DELIVERED,
        /** Send the same range again once the batch's retry time (set) has come. */
        RETRY,
        /** The range was narrowed to its left half: encode that and send it. */
        SPLIT,
        /** The range (one record) was refused for good and dead-lettered: declare it lost, then go on. */
        REJECTED,
        /** The range was taken but some of it refused, unnamed: declare that count lost over it, then go on. */
        PARTLY_REJECTED
    }

    /** Work done while a batch travels (write the previous cursor, read ahead); it may wait. */
    @FunctionalInterface
    interface WhileInFlight {
        void run() throws InterruptedException;
    }

    private final String id;
    private final Sink sink;
    private final Backoff backoff;
    private final DeadLetters deadLetters;
    private final Ticker ticker;
    private final Waiter waiter;
    private final Clock clock;
    private final OutputStatus status;
    // Failpoint: wedge (never return from a send) once this many records were delivered; negative: never.
    private final long wedgeAfter;

    /** Collaborators of a sender; see the fields of the same names. */
    record Parts(String id, Sink sink, Backoff backoff, DeadLetters deadLetters, Ticker ticker, Waiter waiter,
            Clock clock, OutputStatus status, long wedgeAfter) {
    }

    Sender(Parts p) {
        this.id = p.id();
        this.sink = p.sink();
        this.backoff = p.backoff();
        this.deadLetters = p.deadLetters();
        this.ticker = p.ticker();
        this.waiter = p.waiter();
        this.clock = p.clock();
        this.status = p.status();
        this.wedgeAfter = p.wedgeAfter();
    }

    /**
     * Starts one attempt of the batch's current range; its answer is the batch's {@link Batch#pending()}. The sink
     * must not block here (it hands the batch to its own threads or event loop), so several may be under way.
     */
    void start(Batch batch) {
        if (wedgeAfter >= 0 && status.deliveredRecords.sum() >= wedgeAfter) {
            status.inFlightSince = clock.millis();
            log.error("FAILPOINT: output {} wedges now, after {} events", id, status.deliveredRecords.sum());
            Failpoints.wedgeForever();
        }
        batch.attempted();
        status.sentRecords.add(batch.encoded().records());
        CompletableFuture<Outcome> answer;
        try {
            answer = sink.send(batch.encoded()).toCompletableFuture();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e); // classified with the answer, in await
        }
        batch.sending(answer, ticker.nanoTime(), clock.millis());
    }

    /**
     * Runs {@code whileInFlight}, then waits for the answer to the batch's attempt (a sink bounds every send by
     * its own timeout), for at most {@code timeoutNanos} when that is positive.
     *
     * @return the outcome; null if {@code timeoutNanos} passed first (the send is still under way)
     */
    Outcome await(Batch batch, WhileInFlight whileInFlight, long timeoutNanos) throws InterruptedException {
        status.inFlightSince = batch.sentAtMillis();
        boolean answered = true;
        try {
            whileInFlight.run();
            CompletableFuture<Outcome> answer = batch.pending();
            if (timeoutNanos > 0 && !waiter.await(answer, timeoutNanos)) {
                answered = false;
                return null;
            }
            return answer.get();
        } catch (ExecutionException | RuntimeException e) {
            // A sink reports a destination's failure as an outcome; an I/O exception is still the network's, but
            // anything else thrown is the agent's own bug, which a restart may fix and the destination cannot.
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Outcome.ErrorKind kind = cause instanceof IOException ? Outcome.ErrorKind.UNREACHABLE
                    : Outcome.ErrorKind.INTERNAL;
            if (kind == Outcome.ErrorKind.INTERNAL && status.lastErrorKind != Outcome.ErrorKind.INTERNAL) {
                log.error("output {}: the send failed inside the agent (retried): {}", id, cause, cause);
            }
            return new Outcome.Retryable(kind, String.valueOf(cause), null);
        } finally {
            if (answered) { // else still in flight: in_flight_seconds keeps counting from the send's start
                batch.answered();
                status.inFlightSince = 0;
                status.lastAttemptAt = clock.millis();
            }
        }
    }

    /** Records the outcome of the batch's current range in the status, and says what comes next. */
    Next record(Batch batch, Outcome outcome) {
        EncodedBatch sent = batch.encoded();
        long refused = 0;
        long carried = sent.records() - batch.skipped; // the rest went as skipped records
        if (outcome instanceof Outcome.PartlyRejected p) {
            refused = Math.min(p.count(), carried);
            status.rejectedRecords.add(refused);
            log.error("output {}: destination took seq {}..{} but refused {} of them, unnamed ({}); declared lost over "
                    + "the range", id, sent.firstSeq(), sent.lastSeq(), p.count(), p.reason());
        }
        if (outcome instanceof Outcome.Delivered || outcome instanceof Outcome.PartlyRejected) {
            status.deliveredRecords.add(carried - refused);
            status.skippedRecords.add(batch.skipped);
            status.deliveredBytes.add(sent.length());
            status.ackLatency.update(Math.max(0, ticker.nanoTime() - batch.sentAtNanos()), TimeUnit.NANOSECONDS);
            status.lastAckAt = clock.millis();
            if (status.consecutiveFailures > 0) {
                log.warn("output {} delivering again after {} failed attempts", id, status.consecutiveFailures);
            }
            status.consecutiveFailures = 0;
            status.lastError = null;
            status.lastErrorKind = null;
            return outcome instanceof Outcome.PartlyRejected ? Next.PARTLY_REJECTED : Next.DELIVERED;
        }
        if (outcome instanceof Outcome.Retryable r) {
            status.failedAttempts.increment();
            status.retriedRecords.add(sent.records());
            int failures = ++status.consecutiveFailures;
            status.lastError = r.message();
            status.lastErrorKind = r.kind();
            long delay = backoff.delayNanos(failures, r.retryAfter());
            batch.retryAt(ticker.nanoTime() + delay);
            if (failures == 1 || Integer.bitCount(failures) == 1) { // 1, 2, 4, 8...: a long outage logs rarely
                log.warn("output {}: send of seq {}..{} failed ({} {}), attempt {}; retrying in {} ms", id,
                        sent.firstSeq(), sent.lastSeq(), r.kind().wireName(), r.message(), failures,
                        TimeUnit.NANOSECONDS.toMillis(delay));
            }
            return Next.RETRY;
        }
        Outcome.Rejected rejected = (Outcome.Rejected) outcome;
        status.consecutiveFailures = 0; // the destination answered: a decision, not an outage
        if (batch.splittable()) {
            bisect(batch, rejected.reason());
            return Next.SPLIT;
        }
        deadLetter(sent, rejected.reason());
        return Next.REJECTED;
    }

    /**
     * A rejected range of more than one record is sent again as two halves, left first, so that only the
     * offending records end in the dead-letter file. Halving ends at single records: at most log2(batch)
     * levels deep, at most 2 × batch − 1 sends for a batch whose every record is refused.
     */
    private void bisect(Batch batch, String reason) {
        EncodedBatch sent = batch.encoded();
        log.warn("output {}: destination rejected seq {}..{} ({}); sending it in halves to find the offending "
                + "records", id, sent.firstSeq(), sent.lastSeq(), reason);
        batch.splitLeft();
        batch.retryAt(0);
    }

    /** Keeps a range refused for good in the dead-letter file, if there is room. */
    private void deadLetter(EncodedBatch sent, String reason) {
        status.rejectedRecords.add(sent.records());
        status.lastError = reason;
        status.lastErrorKind = Outcome.ErrorKind.REJECTED;
        boolean kept;
        try {
            kept = deadLetters.write(sent, reason);
        } catch (IOException e) {
            kept = false;
            log.error("output {}: could not write the dead-letter file: {}", id, e.toString());
        }
        log.error("output {}: destination rejected seq {}..{} for good ({}); {}", id, sent.firstSeq(),
                sent.lastSeq(), reason, kept ? "kept in the dead-letter file" : "NOT kept (dead-letter file full)");
    }
}
