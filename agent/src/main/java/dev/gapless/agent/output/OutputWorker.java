package dev.gapless.agent.output;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.RecordArena;
import dev.gapless.config.BatchConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * on another output, so a dead destination slows nobody else. All state is owned by the worker thread; {@link
 * OutputStatus} publishes it.
 */
public final class OutputWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class);
    /** How long an idle worker waits for new durable records before looking again. */
    private static final long IDLE_WAIT_MS = 200;
    /** How often a reader that sees no record although the journal holds later ones looks again. */
    private static final long STUCK_POLL_MS = 20;

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
    // The batch being sent (records, payload) and the next one, read and encoded while it is sent (spare*);
    // swapped when the current batch is done.
    private List<JournalRecord> records = new ArrayList<>();
    private ByteSink payload = new ByteSink(64 * 1024);
    private RecordArena arena = new RecordArena(256 * 1024);
    private List<JournalRecord> spareRecords = new ArrayList<>();
    private ByteSink sparePayload = new ByteSink(64 * 1024);
    private RecordArena spareArena = new RecordArena(256 * 1024);
    private long spareReadAtNanos;
    private EncodedBatch pending;
    // The newest seq delivered whose cursor is not written yet (written while the next batch is in flight).
    private long deliveredSeq;
    // The range of records being sent, [rangeFrom, rangeTo); after a rejected send is split, the ends of the
    // right halves still to send (at most log2(batch.max_events) of them).
    private int rangeFrom;
    private int rangeTo;
    private final ArrayDeque<Integer> rightEnds = new ArrayDeque<>();
    // Written only by the worker thread (and the constructor); read by the journal's retention through
    // committedSeq(), so what retention keeps follows the cursor on disk, not a /health figure.
    private volatile long committedSeq;
    private long retryAtNanos;
    // Ranges this output lost (rejected, or not encodable) whose loss marker could not be written yet, {from, to}:
    // the cursor does not move until every one is declared.
    private final ArrayDeque<long[]> undeclared = new ArrayDeque<>();
    // The newest loss marker this worker wrote (0: none); the cursor waits for it to be durable.
    private long lossMarkerSeq;

    /** Collaborators of a worker; see the fields of the same names. */
    public record Parts(String id, Journal journal, Sink sink, Encoder encoder, CursorStore cursor, java.nio.file.Path
            deadLetterFile, BatchConfig batch, Backoff backoff, Clock clock, Failpoints failpoints,
                    OutputStatus status) {
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
        this.deliveredSeq = ackedSeq;
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

    /** The last seq whose cursor write completed: what retention may delete up to, for this output. */
    public long committedSeq() {
        return committedSeq;
    }

    private void run() {
        log.info("output {} delivering to {} from seq {}", id, sink.destination(), committedSeq + 1);
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
                LockSupport.parkNanos(backoff.delayNanos(Math.max(1, status.consecutiveFailures), null));
            }
        }
        Thread.interrupted(); // stopping: record what was delivered, once, so a restart does not resend it
        // ...unless a loss marker the cursor would pass is not written and durable yet: then it stays.
        boolean markersSafe = undeclared.isEmpty()
                && Math.max(lossMarkerSeq, reader.lossMarkerSeq()) <= journal.durableSeq();
        if (deliveredSeq > committedSeq && markersSafe) {
            try {
                cursor.commit(deliveredSeq);
                committedSeq = deliveredSeq;
                status.ackedSeq = deliveredSeq;
            } catch (IOException e) {
                log.warn("output {}: cursor {} not recorded at stop ({}); that batch is sent again", id,
                        deliveredSeq, e.toString());
            }
        }
    }

    /** One step: fill a batch if none is pending, else make one attempt to send it. */
    void runOnce() throws InterruptedException {
        if (pending == null && spareRecords.isEmpty() && deliveredSeq > committedSeq) {
            commit(deliveredSeq); // nothing sent meanwhile to overlap with: record the delivery now
            return;
        }
        if (pending == null && !fill()) {
            return;
        }
        long waitNanos = retryAtNanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
        if (pending.length() == 0) {
            delivered(pending.lastSeq()); // nothing this codec writes (e.g. heartbeats under codec: line)
            next();
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
            CompletableFuture<Outcome> sent = sink.send(pending).toCompletableFuture();
            // While the batch travels: record the previous delivery, and read and encode the next batch.
            if (deliveredSeq > committedSeq) {
                commit(deliveredSeq);
            }
            prefetch();
            outcome = sent.get();
        } catch (ExecutionException | RuntimeException e) {
            // A sink reports a destination's failure as an outcome; an I/O exception is still the network's, but
            // anything else thrown is the agent's own bug, which a restart may fix and the destination cannot.
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Outcome.ErrorKind kind = cause instanceof IOException ? Outcome.ErrorKind.UNREACHABLE
                    : Outcome.ErrorKind.INTERNAL;
            if (kind == Outcome.ErrorKind.INTERNAL && status.lastErrorKind != Outcome.ErrorKind.INTERNAL) {
                log.error("output {}: the send failed inside the agent (retried): {}", id, cause, cause);
            }
            outcome = new Outcome.Retryable(kind, String.valueOf(cause), null);
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
            delivered(pending.lastSeq());
            next();
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
            status.consecutiveFailures = 0; // the destination answered: a decision, not an outage
            if (rangeTo - rangeFrom > 1) {
                split(rej.reason());
            } else {
                reject(rej.reason());
                next();
            }
        }
    }

    /**
     * A rejected range of more than one record is sent again as two halves, left first, so that only the
     * offending records end in the dead-letter file. Halving ends at single records: at most log2(batch)
     * levels deep, at most 2 × batch − 1 sends for a batch whose every record is refused.
     */
    private void split(String reason) {
        int mid = (rangeFrom + rangeTo) >>> 1;
        log.warn("output {}: destination rejected seq {}..{} ({}); sending it in halves to find the offending "
                + "records", id, pending.firstSeq(), pending.lastSeq(), reason);
        rightEnds.push(rangeTo);
        rangeTo = mid;
        pending = encode(rangeFrom, rangeTo);
        retryAtNanos = 0;
    }

    /** Moves to the next range of the batch, or ends the batch. */
    private void next() {
        if (rightEnds.isEmpty()) {
            pending = null;
            status.oldestUnackedReceivedAt = 0;
            retryAtNanos = 0;
            return;
        }
        rangeFrom = rangeTo;
        rangeTo = rightEnds.pop();
        pending = encode(rangeFrom, rangeTo);
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
        declareLost(pending.firstSeq(), pending.lastSeq());
        commit(pending.lastSeq());
    }

    /**
     * Declares records this output loses. If the marker cannot be written now (the disk refuses), the range waits
     * in {@link #undeclared} and {@link #commit} writes it before the cursor may move.
     */
    private void declareLost(long from, long to) {
        long marker = undeclared.isEmpty() ? journal.declareLoss(from, to, "rejected", id) : -1;
        if (marker < 0) {
            undeclared.add(new long[] {from, to});
        }
        lossMarkerSeq = Math.max(lossMarkerSeq, marker);
    }

    /**
     * Writes the loss markers still owed, retrying with backoff for as long as the worker runs.
     *
     * @return true once none is owed; false if the worker stopped first (the cursor must stay)
     */
    private boolean declareOwed() throws InterruptedException {
        for (int attempt = 1; !undeclared.isEmpty(); attempt++) {
            long[] range = undeclared.peek();
            long marker = journal.declareLoss(range[0], range[1], "rejected", id);
            if (marker >= 0) {
                lossMarkerSeq = Math.max(lossMarkerSeq, marker);
                undeclared.poll();
                continue;
            }
            log.error("output {}: cannot write the loss marker for seq {}..{} (attempt {}); the cursor waits", id,
                    range[0], range[1], attempt);
            TimeUnit.NANOSECONDS.sleep(backoff.delayNanos(attempt, null));
            if (!running) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits, for as long as the worker runs, until every loss marker this worker or its reader wrote is durable:
     * the cursor never passes a hole whose marker a power loss could still take back, and never on a timeout.
     *
     * @return false if the worker stopped or the journal closed first (the cursor must stay)
     */
    private boolean lossMarkersDurable() throws InterruptedException {
        long marker = Math.max(lossMarkerSeq, reader.lossMarkerSeq());
        if (marker <= journal.durableSeq()) {
            return true;
        }
        java.util.concurrent.CompletableFuture<Void> durable = journal.whenDurable(marker);
        while (running) {
            try {
                durable.get(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                // not yet: keep waiting (a force that failed for good keeps us here until restart)
            } catch (ExecutionException e) {
                return false; // the journal closed
            }
        }
        return false;
    }

    /**
     * Makes the next batch pending: the one read ahead while the previous was sent, if any, topped up while
     * {@code max_wait} (counted from its first read) allows; else read now, waiting for records.
     */
    private boolean fill() throws InterruptedException {
        int max = batchConfig.maxEvents();
        long maxBytes = batchConfig.maxBytes().bytes();
        long startNanos;
        int encoded;
        if (!spareRecords.isEmpty()) {
            swapBuffers();
            startNanos = spareReadAtNanos;
            encoded = records.size();
        } else {
            records.clear();
            payload.reset();
            arena.reset();
            if (reader.read(max, maxBytes, records, arena) == 0) {
                if (journal.durableSeq() >= reader.nextSeq()) {
                    // Durable records the reader cannot see yet (damage it is stepping over): look again shortly
                    // instead of spinning, since the durable point will not move to wake us.
                    TimeUnit.MILLISECONDS.sleep(STUCK_POLL_MS);
                } else {
                    journal.awaitDurableAfter(reader.nextSeq() - 1, IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                }
                return false;
            }
            startNanos = System.nanoTime();
            encoded = 0;
        }
        long bytes = encodedBytes(records, 0);
        long deadline = startNanos + batchConfig.maxWait().toNanos();
        while (records.size() < max && bytes < maxBytes && System.nanoTime() < deadline && running) {
            if (!journal.awaitDurableAfter(reader.nextSeq() - 1, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            int before = records.size();
            if (reader.read(max - before, maxBytes - bytes, records, arena) == 0) {
                break; // durable records the reader cannot see yet (stepping over damage): send what we have
            }
            bytes += encodedBytes(records, before);
        }
        rightEnds.clear();
        rangeFrom = 0;
        rangeTo = records.size();
        encodeInto(records, payload, encoded, rangeTo);
        pending = batchOf(0, rangeTo);
        return true;
    }

    /**
     * While a batch is in flight: reads what is durable now (never waiting) into the spare buffers and encodes it,
     * so the next batch is ready when the send completes.
     */
    private void prefetch() {
        if (!spareRecords.isEmpty() || !rightEnds.isEmpty() || !running) {
            return;
        }
        sparePayload.reset();
        spareArena.reset();
        if (reader.read(batchConfig.maxEvents(), batchConfig.maxBytes().bytes(), spareRecords, spareArena) > 0) {
            spareReadAtNanos = System.nanoTime();
            encodeInto(spareRecords, sparePayload, 0, spareRecords.size());
        }
    }

    private void swapBuffers() {
        List<JournalRecord> r = records;
        records = spareRecords;
        spareRecords = r;
        spareRecords.clear();
        ByteSink p = payload;
        payload = sparePayload;
        sparePayload = p;
        RecordArena a = arena;
        arena = spareArena;
        spareArena = a;
    }

    private static long encodedBytes(List<JournalRecord> list, int from) {
        long bytes = 0;
        for (int i = from; i < list.size(); i++) {
            bytes += list.get(i).encodedLength();
        }
        return bytes;
    }

    /** Encodes records[from, to) anew into the payload (a range of a split batch). */
    private EncodedBatch encode(int from, int to) {
        payload.reset();
        encodeInto(records, payload, from, to);
        return batchOf(from, to);
    }

    private EncodedBatch batchOf(int from, int to) {
        status.oldestUnackedReceivedAt = records.get(from).receivedAtNanos() / 1_000_000;
        return new EncodedBatch(records.get(from).seq(), records.get(to - 1).seq(), to - from, payload.array(),
                payload.length());
    }

    /**
     * Appends list[from, to) to {@code out} in the output's codec. A record the codec cannot write is declared
     * lost (reason rejected) and left out: it would fail the same way at every attempt.
     */
    private void encodeInto(List<JournalRecord> list, ByteSink out, int from, int to) {
        for (int i = from; i < to; i++) {
            JournalRecord r = list.get(i);
            int mark = out.length();
            try {
                encoder.encode(r, out);
            } catch (IOException | RuntimeException e) {
                out.truncate(mark);
                log.error("output {}: cannot encode seq {}: {}", id, r.seq(), e.toString());
                declareLost(r.seq(), r.seq());
            }
        }
    }

    /** The destination has {@code seq}: its cursor is written while the next batch is in flight. */
    private void delivered(long seq) {
        deliveredSeq = Math.max(deliveredSeq, seq);
    }

    private void commit(long seq) throws InterruptedException {
        if (!declareOwed() || !lossMarkersDurable()) {
            return; // stopping with a loss not yet declared for good: the cursor stays, the batch is sent again
        }
        for (int attempt = 1; ; attempt++) {
            try {
                cursor.commit(seq);
                break;
            } catch (IOException e) {
                if (!running) {
                    // A stop interrupted the write (ClosedByInterruptException): not a failure. The stop
                    // records the delivery once more after the loop, uninterrupted.
                    deliveredSeq = Math.max(deliveredSeq, seq);
                    return;
                }
                // Delivered but not recorded: keep the batch (a crash now resends it) and retry the commit,
                // with backoff, for as long as the worker runs. /health says so (cursor_commit_failing).
                cursorCommitFailed(seq, attempt, e);
                TimeUnit.NANOSECONDS.sleep(backoff.delayNanos(attempt, null));
                if (!running) {
                    return;
                }
            }
        }
        if (status.cursorFailingSince != 0) {
            log.warn("output {}: cursor {} recorded again", id, seq);
            status.cursorFailingSince = 0;
            status.cursorError = null;
            if (status.lastErrorKind == Outcome.ErrorKind.CURSOR_COMMIT) {
                status.lastError = null;
                status.lastErrorKind = null;
            }
        }
        committedSeq = seq;
        deliveredSeq = Math.max(deliveredSeq, seq);
        status.ackedSeq = seq;
    }

    /** One failed cursor write: counted, logged, and published with the counter (/health, metrics). */
    private void cursorCommitFailed(long seq, int attempt, IOException e) {
        String error = "cannot persist cursor " + seq + " to " + cursor.file() + ": " + e;
        status.cursorCommitFailures.increment();
        status.cursorError = error;
        status.lastError = error;
        status.lastErrorKind = Outcome.ErrorKind.CURSOR_COMMIT;
        if (status.cursorFailingSince == 0) {
            status.cursorFailingSince = clock.millis();
        }
        log.error("output {}: {} (attempt {})", id, error, attempt);
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
