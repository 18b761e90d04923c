package dev.gapless.agent.output;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.BatchConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output's delivery loop: read a batch after the cursor, encode it, send it, record the outcome, and only
 * then commit the cursor. Retryable failures retry the same batch forever with backoff; a permanent reject
 * is dead-lettered and declared with a loss marker before the cursor moves past it. A worker never waits on
 * another output, so a dead destination slows nobody else. All state is owned by the worker thread;
 * {@link OutputStatus} publishes it.
 */
public final class OutputWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class);
    /** How long an idle worker waits for new durable records before looking again. */
    private static final long IDLE_WAIT_MS = 200;

    private final String id;
    private final Journal journal;
    private final Sink sink;
    private final Encoder encoder;
    private final CursorStore cursor;
    private final DeadLetters deadLetters;
    private final BatchConfig batchConfig;
    private final Backoff backoff;
    private final Clock clock;
    private final long wedgeAfter;
    private final OutputStatus status;
    private final Thread thread;
    private volatile boolean running = true;

    // Only the worker thread.
    private final JournalReader reader;
    private final List<JournalRecord> records = new ArrayList<>();
    private final ByteSink payload = new ByteSink(64 * 1024);
    private EncodedBatch pending;
    private long committedSeq;
    private long retryAtNanos;

    /** Collaborators of a worker; see the fields of the same names. */
    public record Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor, java.nio.file.Path
            deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints, OutputStatus status) {
    }

    public OutputWorker(Parts p, long ackedSeq) {
        this.id = p.id();
        this.journal = p.journal();
        this.sink = p.sink();
        this.encoder = p.encoder();
        this.cursor = p.cursor();
        this.deadLetters = new DeadLetters(p.deadLetterFile());
        this.batchConfig = p.batch();
        this.backoff = p.backoff();
        this.clock = p.clock();
        this.wedgeAfter = p.failpoints().wedgeAfter(id);
        this.status = p.status();
        this.committedSeq = ackedSeq;
        this.status.ackedSeq = ackedSeq;
        this.reader = journal.openReader(id, ackedSeq);
        this.thread = new Thread(this::run, "gapless-output-" + id);
        this.thread.setDaemon(true);
    }

    public OutputStatus status() {
        return status;
    }

    public void start() {
        thread.start();
    }

    private void run() {
        log.info("output {} delivering to {} from seq {}", id, sink.destination(), committedSeq + 1);
        while (running) {
            try {
                runOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug must not end delivery: log, wait, and take the same batch again.
                log.error("output {}: unexpected failure, retrying: {}", id, e.toString(), e);
                LockSupport.parkNanos(backoff.delayNanos(Math.max(1, status.consecutiveFailures), null));
            }
        }
    }

    /** One step: fill a batch if none is pending, else make one attempt to send it. */
    void runOnce() throws InterruptedException {
        if (pending == null && !fill()) {
            return;
        }
        long waitNanos = retryAtNanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
        if (pending.length() == 0) {
            commit(); // nothing this codec writes (e.g. heartbeats under codec: line)
            return;
        }
        if (wedgeAfter >= 0 && status.deliveredRecords.sum() >= wedgeAfter) {
            status.inFlightSince = clock.millis();
            log.error("FAILPOINT: output {} wedges now, after {} events", id, status.deliveredRecords.sum());
            Failpoints.wedgeForever();
        }
        status.inFlightSince = clock.millis();
        Outcome outcome;
        try {
            outcome = sink.send(pending).toCompletableFuture().get();
        } catch (ExecutionException e) {
            outcome = new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, String.valueOf(e.getCause()), null);
        } finally {
            status.inFlightSince = 0;
            status.lastAttemptAt = clock.millis();
        }
        record(outcome);
    }

    private void record(Outcome outcome) throws InterruptedException {
        if (outcome instanceof Outcome.Delivered) {
            status.deliveredRecords.add(pending.records());
            status.deliveredBytes.add(pending.length());
            status.lastAckAt = clock.millis();
            if (status.consecutiveFailures > 0) {
                log.warn("output {} delivering again after {} failed attempts", id, status.consecutiveFailures);
            }
            status.consecutiveFailures = 0;
            status.lastError = null;
            status.lastErrorKind = null;
            commit();
        } else if (outcome instanceof Outcome.Retryable r) {
            status.failedAttempts.increment();
            int failures = ++status.consecutiveFailures;
            status.lastError = r.message();
            status.lastErrorKind = r.kind();
            long delay = backoff.delayNanos(failures, r.retryAfter());
            retryAtNanos = System.nanoTime() + delay;
            if (failures == 1 || Integer.bitCount(failures) == 1) {
                log.warn("output {}: send of seq {}..{} failed ({} {}), attempt {}; retrying in {} ms", id,
                        pending.firstSeq(), pending.lastSeq(), r.kind().wireName(), r.message(), failures,
                        TimeUnit.NANOSECONDS.toMillis(delay));
            }
        } else if (outcome instanceof Outcome.Rejected rej) {
            reject(rej.reason());
        }
    }

    private void reject(String reason) throws InterruptedException {
        status.rejectedRecords.add(pending.records());
        status.lastError = reason;
        status.lastErrorKind = Outcome.ErrorKind.REJECTED;
        boolean kept;
        try {
            kept = deadLetters.write(pending, reason);
        } catch (IOException e) {
            kept = false;
            log.error("output {}: could not write the dead-letter file: {}", id, e.toString());
        }
        log.error("output {}: destination rejected seq {}..{} for good ({}); {}", id, pending.firstSeq(),
                pending.lastSeq(), reason, kept ? "kept in the dead-letter file" : "NOT kept (dead-letter file full)");
        journal.declareLoss(pending.firstSeq(), pending.lastSeq(), "rejected", id);
        commit();
    }

    private boolean fill() throws InterruptedException {
        records.clear();
        int max = batchConfig.maxEvents();
        long maxBytes = batchConfig.maxBytes().bytes();
        if (reader.read(max, maxBytes, records) == 0) {
            journal.awaitDurableAfter(reader.nextSeq() - 1, IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
            return false;
        }
        long deadline = System.nanoTime() + batchConfig.maxWait().toNanos();
        while (records.size() < max && System.nanoTime() < deadline && running) {
            if (!journal.awaitDurableAfter(reader.nextSeq() - 1, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            reader.read(max - records.size(), maxBytes, records);
        }
        status.oldestUnackedReceivedAt = records.get(0).receivedAtNanos() / 1_000_000;
        payload.reset();
        for (JournalRecord r : records) {
            try {
                encoder.encode(r, payload);
            } catch (IOException e) {
                throw new IllegalStateException("encoding seq " + r.seq() + " failed", e);
            }
        }
        pending = new EncodedBatch(records.get(0).seq(), records.get(records.size() - 1).seq(), records.size(),
                payload.array(), payload.length());
        return true;
    }

    private void commit() throws InterruptedException {
        long seq = pending.lastSeq();
        for (int attempt = 1; ; attempt++) {
            try {
                cursor.commit(seq);
                break;
            } catch (IOException e) {
                // Delivered but not recorded: keep the batch (a crash now resends it) and retry the commit.
                log.error("output {}: cannot persist cursor {} (attempt {}): {}", id, seq, attempt, e.toString());
                TimeUnit.NANOSECONDS.sleep(backoff.delayNanos(attempt, null));
                if (!running) {
                    return;
                }
            }
        }
        committedSeq = seq;
        status.ackedSeq = seq;
        status.oldestUnackedReceivedAt = 0;
        retryAtNanos = 0;
        pending = null;
    }

    /** Stops the worker, waiting up to {@code timeoutMs} for its current attempt; the cursor stays where it was. */
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
        stop(5000);
        if (!thread.isAlive()) {
            reader.close();
        }
        sink.close();
    }
}
