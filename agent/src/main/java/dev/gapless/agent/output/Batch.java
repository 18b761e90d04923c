package dev.gapless.agent.output;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.SkippedRun;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.RecordArena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One batch of an output, with the buffers it is read and encoded into: its records (seq {@link #firstSeq()} ..
 * {@link #lastSeq()}, in order), the payload of the range of them being sent, how often it was sent and when it
 * may be sent again, and where a rejected batch's bisection stands. The buffers are kept when the batch is
 * {@link #clear() cleared}, so a {@link BatchSource} reuses the same few batches for the life of the output.
 * Only the output worker thread touches a batch.
 */
final class Batch {

    /** Deeper than any bisection gets: a range of n records splits at most log2(n) + 1 times. */
    private static final int MAX_DEPTH = 32;

    final List<JournalRecord> records = new ArrayList<>();
    final RecordArena arena = new RecordArena(256 * 1024);
    final ByteSink payload = new ByteSink(64 * 1024);
    // Where each encoded record lies in the payload; reset with it.
    final Frames.Builder frames = new Frames.Builder();
    // The run of events the route left out that is not written yet: it grows while encoding and is written as one
    // skipped record before the next record carried, or at the end of the batch (or range).
    final Run run = new Run();
    // Events of the encoded range the route left out (written as skipped records): delivered, they are counted as
    // skipped, not as delivered.
    int skipped;
    // When the first record was read (Ticker): max_wait counts from here, also for a batch read ahead.
    private long readAtNanos;
    // Records [0, encodedCount) are in the payload (a batch read but not yet encoded: a read that threw part-way).
    private int encodedCount;
    // Sends of this batch, all its ranges; for the log.
    private int attempts;
    // The earliest Ticker time its next send may be made at (a retryable failure's backoff); 0: at once.
    private long retryAtNanos;
    // The range of records being sent, [from, to); after a rejected send is split, the ends of the right halves
    // still to send, innermost last (at most log2(batch.max_events) + 1 of them).
    private int from;
    private int to;
    private final int[] rightEnds = new int[MAX_DEPTH];
    private int depth;
    // The range being sent as encoded: what the next send carries (null: not encoded yet).
    private EncodedBatch encoded;
    // The answer to the send under way (null: none under way), and when that send began (Ticker; and wall clock).
    private CompletableFuture<Outcome> pending;
    private long sentAtNanos;
    private long sentAtMillis;

    /** Forgets the records and the state of the last use; keeps the buffers. */
    void clear() {
        records.clear();
        arena.reset();
        payload.reset();
        frames.reset();
        run.clear();
        skipped = 0;
        readAtNanos = 0;
        encodedCount = 0;
        attempts = 0;
        retryAtNanos = 0;
        from = 0;
        to = 0;
        depth = 0;
        encoded = null;
        pending = null;
        sentAtNanos = 0;
        sentAtMillis = 0;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    long firstSeq() {
        return records.get(0).seq();
    }

    long lastSeq() {
        return records.get(records.size() - 1).seq();
    }

    long readAtNanos() {
        return readAtNanos;
    }

    void readAt(long nanos) {
        readAtNanos = nanos;
    }

    /** How many of the records, from the first, are encoded into the payload. */
    int encodedCount() {
        return encodedCount;
    }

    void encodedUpTo(int count) {
        encodedCount = count;
    }

    int attempts() {
        return attempts;
    }

    void attempted() {
        attempts++;
    }

    long retryAtNanos() {
        return retryAtNanos;
    }

    void retryAt(long nanos) {
        retryAtNanos = nanos;
    }

    /** Sends all the records as one range (a batch just filled). */
    void sendWhole() {
        from = 0;
        to = records.size();
        depth = 0;
    }

    int rangeFrom() {
        return from;
    }

    int rangeTo() {
        return to;
    }

    /** True while a split left ranges to send after this one: the batch is not done with its current range. */
    boolean splitPending() {
        return depth > 0;
    }

    /** True if the range being sent has more than one record, so a rejection can be narrowed down. */
    boolean splittable() {
        return to - from > 1;
    }

    /** Narrows the range to its left half; the right half is sent once the left one is done. */
    void splitLeft() {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("bisection deeper than " + MAX_DEPTH); // n records split log2(n) deep
        }
        rightEnds[depth++] = to;
        to = (from + to) >>> 1;
    }

    /**
     * Moves to the next range still to send after a split.
     *
     * @return false if none is left: the batch is done
     */
    boolean nextRange() {
        if (depth == 0) {
            return false;
        }
        from = to;
        to = rightEnds[--depth];
        return true;
    }

    EncodedBatch encoded() {
        return encoded;
    }

    /** The answer to the send under way; null when none is (not sent yet, or its answer was taken). */
    CompletableFuture<Outcome> pending() {
        return pending;
    }

    /** A send of the current range began at these times, and this is its answer to come. */
    void sending(CompletableFuture<Outcome> answer, long nanos, long millis) {
        pending = answer;
        sentAtNanos = nanos;
        sentAtMillis = millis;
    }

    /** The answer was taken: no send under way until the next {@link #sending}. */
    void answered() {
        pending = null;
    }

    long sentAtNanos() {
        return sentAtNanos;
    }

    long sentAtMillis() {
        return sentAtMillis;
    }

    void encoded(EncodedBatch batch) {
        encoded = batch;
    }

    /** A run of consecutive skipped events of one boot, being extended record by record; empty when count is 0. */
    static final class Run {
        private long fromSeq;
        private long toSeq;
        private long count;
        private long bootMsb;
        private long bootLsb;
        private long receivedAtNanos;

        boolean isEmpty() {
            return count == 0;
        }

        void clear() {
            count = 0;
        }

        /** Starts the run at {@code r}. */
        void start(JournalRecord r) {
            fromSeq = r.seq();
            toSeq = r.seq();
            count = 1;
            bootMsb = r.bootIdMsb();
            bootLsb = r.bootIdLsb();
            receivedAtNanos = r.receivedAtNanos();
        }

        /** Adds {@code r} if it follows the run's last seq in the same boot: true if it did. */
        boolean grow(JournalRecord r) {
            if (count == 0 || r.seq() != toSeq + 1 || r.bootIdMsb() != bootMsb || r.bootIdLsb() != bootLsb) {
                return false;
            }
            toSeq = r.seq();
            count++;
            receivedAtNanos = r.receivedAtNanos();
            return true;
        }

        SkippedRun toSkipped() {
            return new SkippedRun(fromSeq, toSeq, count, bootMsb, bootLsb, receivedAtNanos);
        }
    }
}
