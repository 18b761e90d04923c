package dev.gapless.agent.output;

import java.util.Arrays;

/**
 * Where each record of an {@link EncodedBatch} lies in its payload: record {@code i} (in seq order) is the bytes
 * {@code [start(i), end(i))}, its newline included, and has seq {@link #seq(int)}. Only records the codec wrote
 * bytes for have a frame (the line codec writes none for heartbeats), so {@link #count()} may be below the batch's
 * record count. For sinks that send each event on its own (a Kafka record per event) rather than the payload whole.
 *
 * <p>A view of arrays its batch reuses: valid until the outcome of the send that carries it is recorded, like the
 * payload itself.
 */
public final class Frames {

    private static final Frames EMPTY = new Frames(new long[0], new int[0], 0);

    private final long[] seqs;
    private final int[] ends;
    private final int count;

    private Frames(long[] seqs, int[] ends, int count) {
        this.seqs = seqs;
        this.ends = ends;
        this.count = count;
    }

    public int count() {
        return count;
    }

    public long seq(int i) {
        check(i);
        return seqs[i];
    }

    public int start(int i) {
        check(i);
        return i == 0 ? 0 : ends[i - 1];
    }

    /** The offset just past the record's bytes (past its newline). */
    public int end(int i) {
        check(i);
        return ends[i];
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("frame " + i + " of " + count);
        }
    }

    /**
     * The frames of a payload in which each record wrote one line, seqs counted from {@code firstSeq}: for payloads
     * made by hand (a test's); the output worker records each record's frame as it encodes it.
     */
    public static Frames ofLines(long firstSeq, byte[] bytes, int length) {
        Builder b = new Builder();
        long seq = firstSeq;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                b.add(seq++, i + 1);
            }
        }
        if (length > 0 && bytes[length - 1] != '\n') {
            b.add(seq, length);
        }
        return b.count == 0 ? EMPTY : b.view();
    }

    /**
     * Records frames as records are encoded, one after the other into one payload; reused by one batch for the life
     * of its output, growing to the largest batch's record count (bounded by {@code batch.max_events}).
     */
    static final class Builder {
        private long[] seqs = new long[64];
        private int[] ends = new int[64];
        private int count;

        void reset() {
            count = 0;
        }

        /** The record of {@code seq} ends at {@code end} (exclusive) in the payload; an empty one is not a frame. */
        void add(long seq, int end) {
            if (end == (count == 0 ? 0 : ends[count - 1])) {
                return;
            }
            if (count == seqs.length) {
                seqs = Arrays.copyOf(seqs, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            seqs[count] = seq;
            ends[count] = end;
            count++;
        }

        /** The frames so far; a later {@link #reset} or {@link #add} is not seen by an earlier view's count. */
        Frames view() {
            return new Frames(seqs, ends, count);
        }
    }
}
