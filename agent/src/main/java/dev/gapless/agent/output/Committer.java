package dev.gapless.agent.output;

import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an output's cursor. It tracks the batches in flight, in the order they were read, and the cursor goes to
 * the highest seq below which every one is done — delivered, or rejected and declared lost — whatever order their
 * acks come in; a batch sent in parts (a split) counts up to the end of its parts done so far. Before the cursor
 * moves, every loss this output owes is declared with a loss marker and every marker it or its reader wrote is
 * durable: the cursor never passes a hole whose marker is missing or could still be taken back by a power loss.
 * Only the output worker thread uses it; {@link #committedSeq()} may be read by any thread.
 */
final class Committer {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class); // the worker's log, one voice
    /** The count of an {@code undeclared} range lost whole. */
    private static final long WHOLE = -1;
    /** The reason of a loss marker over a range of which the destination refused some, unnamed. */
    static final String PARTIAL_REJECTED = "partial_rejected";
    /** How often a commit waiting for a loss marker to be durable checks whether its worker is stopping. */
    private static final long DURABLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String id;
    private final Journal journal;
    private final JournalReader reader;
    private final CursorStore cursor;
    private final Backoff backoff;
    private final Waiter waiter;
    private final Clock clock;
    private final OutputStatus status;
    private final BooleanSupplier running;

    // Only the output worker thread (all below but committedSeq).
    // The batches tracked and not yet all done, oldest first (one today; max_in_flight of them later).
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    // The highest seq below which every tracked batch is done; its cursor is written by the next commit().
    private long doneSeq;
    // Ranges this output lost (rejected, not encodable, or partly refused) whose loss marker could not be written
    // yet, {from, to, count} (count WHOLE: all of it): the cursor does not move until every one is declared.
    private final ArrayDeque<long[]> undeclared = new ArrayDeque<>();
    // The newest loss marker this output wrote (0: none); the cursor waits for it to be durable.
    private long lossMarkerSeq;
    // Written only by the worker thread (and the constructor); read by the journal's retention through
    // committedSeq(), so what retention keeps follows the cursor on disk, not a /health figure.
    private volatile long committedSeq;
    // Only the worker thread: the last retention after a commit failed (logged once until one works).
    private boolean retainFailing;

    /** A batch in flight: its seq range and how far into it the parts done so far reach. */
    private static final class InFlight {
        final long firstSeq;
        final long lastSeq;
        long doneThrough;

        InFlight(long firstSeq, long lastSeq) {
            this.firstSeq = firstSeq;
            this.lastSeq = lastSeq;
            this.doneThrough = firstSeq - 1;
        }
    }

    /** Collaborators of a committer; see the fields of the same names. */
    record Parts(String id, Journal journal, JournalReader reader, CursorStore cursor, Backoff backoff,
            Waiter waiter, Clock clock, OutputStatus status, BooleanSupplier running) {
    }

    /** @param committedSeq the seq of the cursor on disk: nothing up to it is sent again */
    Committer(Parts p, long committedSeq) {
        this.id = p.id();
        this.journal = p.journal();
        this.reader = p.reader();
        this.cursor = p.cursor();
        this.backoff = p.backoff();
        this.waiter = p.waiter();
        this.clock = p.clock();
        this.status = p.status();
        this.running = p.running();
        this.committedSeq = committedSeq;
        this.doneSeq = committedSeq;
        this.status.ackedSeq = committedSeq;
    }

    /** The last seq whose cursor write completed. */
    long committedSeq() {
        return committedSeq;
    }

    /** The highest seq below which every batch is done, committed or not. */
    long doneSeq() {
        return doneSeq;
    }

    /** True if batches were done since the last cursor write: {@link #commit()} has something to write. */
    boolean behind() {
        return doneSeq > committedSeq;
    }

    /** A batch of seq {@code firstSeq}..{@code lastSeq} is in flight; batches are tracked in the order read. */
    void track(long firstSeq, long lastSeq) {
        InFlight newest = inFlight.peekLast();
        if (firstSeq <= Math.max(doneSeq, newest == null ? 0 : newest.lastSeq) || lastSeq < firstSeq) {
            throw new IllegalArgumentException("batch " + firstSeq + ".." + lastSeq + " is not after the ones "
                    + "tracked (done up to " + doneSeq + ")");
        }
        inFlight.add(new InFlight(firstSeq, lastSeq));
    }

    /**
     * The destination has seq {@code from}..{@code to}: a whole tracked batch, or its next part (a split batch's
     * parts are done in seq order). Its cursor is written by the next {@link #commit()}.
     */
    void delivered(long from, long to) {
        InFlight batch = find(from, to);
        batch.doneThrough = Math.max(batch.doneThrough, to);
        advance();
    }

    /**
     * The destination refused seq {@code from}..{@code to} for good: declared lost (or owed, if the marker cannot
     * be written now), and done as {@link #delivered} is; the cursor passes it once the marker is durable.
     */
    void rejected(long from, long to) {
        InFlight batch = find(from, to);
        declareLost(from, to);
        batch.doneThrough = Math.max(batch.doneThrough, to);
        advance();
    }

    /**
     * The destination took seq {@code from}..{@code to} but refused {@code count} of them, unnamed: one loss marker
     * over the range declares the count (or is owed), and the range is done as {@link #delivered} is; the cursor
     * passes it once the marker is durable.
     */
    void partlyRejected(long from, long to, long count) {
        InFlight batch = find(from, to);
        declareLost(from, to, count);
        batch.doneThrough = Math.max(batch.doneThrough, to);
        advance();
    }

    private InFlight find(long from, long to) {
        InFlight oldest = inFlight.peekFirst();
        if (oldest != null && oldest.firstSeq <= from && to <= oldest.lastSeq) {
            return oldest; // the usual case, and the only one at one batch in flight
        }
        for (InFlight b : inFlight) {
            if (b.firstSeq <= from && to <= b.lastSeq) {
                return b;
            }
        }
        throw new IllegalArgumentException("seq " + from + ".." + to + " is not in a batch in flight");
    }

    /** Moves doneSeq over the oldest batches as far as they are done, dropping those done whole. */
    private void advance() {
        for (InFlight b = inFlight.peekFirst(); b != null; b = inFlight.peekFirst()) {
            if (b.doneThrough < b.firstSeq) {
                return; // nothing of it done: later batches wait, whatever they got
            }
            doneSeq = Math.max(doneSeq, b.doneThrough);
            if (b.doneThrough < b.lastSeq) {
                return; // its next part is still to send
            }
            inFlight.pollFirst();
        }
    }

    /**
     * Declares records this output loses. If the marker cannot be written now (the disk refuses), the range waits
     * in {@link #undeclared} and {@link #commit} writes it before the cursor may move.
     */
    void declareLost(long from, long to) {
        declareLost(from, to, WHOLE);
    }

    /** {@code count} of the range lost, unnamed; {@link #WHOLE}: every record of it. */
    private void declareLost(long from, long to, long count) {
        long marker = undeclared.isEmpty() ? writeMarker(from, to, count) : -1;
        if (marker < 0) {
            undeclared.add(new long[] {from, to, count});
        }
        lossMarkerSeq = Math.max(lossMarkerSeq, marker);
    }

    private long writeMarker(long from, long to, long count) {
        return count == WHOLE ? journal.declareLoss(from, to, "rejected", id)
                : journal.declarePartialLoss(from, to, count, PARTIAL_REJECTED, id);
    }

    /**
     * Writes the cursor at {@link #doneSeq()}, after declaring the losses owed and waiting for the loss markers to
     * be durable. A failed write is retried with backoff for as long as the worker runs (the batch is kept: a crash
     * now resends it). If the worker stops first the cursor stays where it was.
     */
    void commit() throws InterruptedException {
        long seq = doneSeq;
        if (!declareOwed() || !lossMarkersDurable()) {
            return; // stopping with a loss not yet declared for good: the cursor stays, the batch is sent again
        }
        for (int attempt = 1; ; attempt++) {
            try {
                cursor.commit(seq);
                break;
            } catch (IOException e) {
                if (!running.getAsBoolean()) {
                    // A stop interrupted the write (ClosedByInterruptException): not a failure. The stop
                    // records the delivery once more after the loop, uninterrupted (commitAtStop).
                    return;
                }
                // Delivered but not recorded: keep the batch (a crash now resends it) and retry the commit,
                // with backoff, for as long as the worker runs. /health says so (cursor_commit_failing).
                cursorCommitFailed(seq, attempt, e);
                waiter.sleep(backoff.delayNanos(attempt, null));
                if (!running.getAsBoolean()) {
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
        status.ackedSeq = seq;
        retain();
    }

    /**
     * Lets the journal delete the segments every output has now passed, at once rather than at the next housekeeping
     * tick: disk use follows the cursors, and a journal full at max_size takes appends again as soon as an output
     * moves on. Cheap when nothing can go (a look at the oldest segment).
     */
    private void retain() {
        try {
            journal.retain();
            retainFailing = false;
        } catch (RuntimeException e) {
            // Retention is the housekeeping tick's too (which logs each failure): a failure here only defers it,
            // never fails the delivery, and is logged once until retention works again, not once per batch.
            if (!retainFailing) {
                log.warn("output {}: journal retention failed: {}", id, e.toString());
            }
            retainFailing = true;
        }
    }

    /**
     * At a stop (the worker thread, its loop ended, not interrupted): records what was done, once, so a restart
     * does not resend it — unless a loss marker the cursor would pass is not written and durable yet: then the
     * cursor stays. Never waits.
     */
    void commitAtStop() {
        boolean markersSafe = undeclared.isEmpty()
                && Math.max(lossMarkerSeq, reader.lossMarkerSeq()) <= journal.durableSeq();
        if (doneSeq > committedSeq && markersSafe) {
            try {
                cursor.commit(doneSeq);
                committedSeq = doneSeq;
                status.ackedSeq = doneSeq;
            } catch (IOException e) {
                log.warn("output {}: cursor {} not recorded at stop ({}); that batch is sent again", id,
                        doneSeq, e.toString());
            }
        }
    }

    /**
     * Writes the loss markers still owed, retrying with backoff for as long as the worker runs.
     *
     * @return true once none is owed; false if the worker stopped first (the cursor must stay)
     */
    private boolean declareOwed() throws InterruptedException {
        for (int attempt = 1; !undeclared.isEmpty(); attempt++) {
            long[] range = undeclared.peek();
            long marker = writeMarker(range[0], range[1], range[2]);
            if (marker >= 0) {
                lossMarkerSeq = Math.max(lossMarkerSeq, marker);
                undeclared.poll();
                continue;
            }
            log.error("output {}: cannot write the loss marker for seq {}..{} (attempt {}); the cursor waits", id,
                    range[0], range[1], attempt);
            waiter.sleep(backoff.delayNanos(attempt, null));
            if (!running.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits, for as long as the worker runs, until every loss marker this output or its reader wrote is durable:
     * the cursor never passes a hole whose marker a power loss could still take back, and never on a timeout.
     *
     * @return false if the worker stopped or the journal closed first (the cursor must stay)
     */
    private boolean lossMarkersDurable() throws InterruptedException {
        long marker = Math.max(lossMarkerSeq, reader.lossMarkerSeq());
        if (marker <= journal.durableSeq()) {
            return true;
        }
        CompletableFuture<Void> durable = journal.whenDurable(marker);
        while (running.getAsBoolean()) {
            try {
                if (waiter.await(durable, DURABLE_POLL_NANOS)) {
                    return true;
                }
                // not yet: keep waiting (a force that failed for good keeps us here until restart)
            } catch (ExecutionException e) {
                return false; // the journal closed
            }
        }
        return false;
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
}
