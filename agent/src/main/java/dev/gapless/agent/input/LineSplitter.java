package dev.gapless.agent.input;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.contract.Utf8;
import java.util.Arrays;

/**
 * The one line splitter of every line-based input (TCP connections, followed files): splits a byte stream fed
 * chunk by chunk into lines at {@code \n} (a {@code \r} before it is dropped), copying each complete line straight
 * from the chunk into a {@link MessageBatch} (no object per line). Empty lines are skipped. A line longer than
 * {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes (fewer when the cut would split a UTF-8
 * sequence, at most 3 fewer) go on as a line tagged {@link Tags#TRUNCATED}, and the rest of it, up to its newline,
 * is discarded. A line a chunk ends in the middle of is carried over, at most {@code maxLineBytes} + 1 bytes (a
 * line of exactly {@code maxLineBytes} whose {@code \r} came without its {@code \n} yet), and completed by the next
 * chunk; {@link #finish} makes it a last line when the stream ends.
 *
 * <p>It counts the stream's bytes: {@link #dealtWith()} is the stream offset just past the last line handed out,
 * skipped or discarded (a file's checkpoint), and a {@link #positioned} splitter gives every line the offset just
 * past its newline as its source position. Per stream, one thread at a time.
 */
public final class LineSplitter {

    /** The bytes of one chunk, read where they lie (a socket read's buffer, a file read's array): no copy first. */
    public interface Chunk {
        /** @return the index of the first {@code value} in {@code [from, to)}, or -1 */
        int indexOf(int from, int to, byte value);

        byte get(int index);

        void copyTo(int from, byte[] dst, int dstAt, int n);
    }

    private final int maxLineBytes;
    private final boolean positions;
    // The start of the line the last chunk ended in, carried bytes; grown on demand up to maxLineBytes + 1.
    private byte[] carry;
    private int carried;
    // True while skipping the rest of a line already cut.
    private boolean discarding;
    // The stream offset of the next byte fed.
    private long position;

    private LineSplitter(int maxLineBytes, boolean positions) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.positions = positions;
        this.carry = new byte[Math.min(maxLineBytes + 1, 1024)];
    }

    /** A splitter whose lines have no source position (a socket's stream). */
    public static LineSplitter lines(int maxLineBytes) {
        return new LineSplitter(maxLineBytes, false);
    }

    /** A splitter that gives every line the stream offset just past it as its source position (a file's offset). */
    public static LineSplitter positioned(int maxLineBytes) {
        return new LineSplitter(maxLineBytes, true);
    }

    /** A chunk over an array. */
    public static Chunk chunk(byte[] array) {
        return new ArrayChunk(array);
    }

    /**
     * Starts the stream over at {@code offset} (a file read again from a checkpoint or from its start): nothing
     * carried, {@code discarding} if the bytes there are the rest of a line already cut.
     */
    public void restart(long offset, boolean discarding) {
        this.position = offset;
        this.carried = 0;
        this.discarding = discarding;
    }

    /** The stream offset just past what was fed: where the next chunk starts. */
    public long position() {
        return position;
    }

    /** The stream offset just past the last byte dealt with: everything but the carried partial line. */
    public long dealtWith() {
        return position - carried;
    }

    /** True while the rest of a cut line is being skipped. */
    public boolean discarding() {
        return discarding;
    }

    /** Bytes held for the line in progress: at most maxLineBytes + 1. */
    public int carried() {
        return carried;
    }

    /** Adds the lines {@code in[from, end)} completes to {@code out} (which it does not clear). */
    public void split(Chunk in, int from, int end, MessageBatch out) {
        long base = position - from; // the stream offset of in[0]
        while (from < end) {
            int eol = in.indexOf(from, end, (byte) '\n');
            if (eol < 0) {
                hold(in, from, end, out, base + end);
                break;
            }
            long past = base + eol + 1;
            if (discarding) {
                discarding = false;
            } else if (carried > 0) {
                completeCarried(in, from, eol, out, past);
            } else {
                int stop = eol > from && in.get(eol - 1) == '\r' ? eol - 1 : eol;
                if (stop - from > maxLineBytes) {
                    truncated(in, from, out, past);
                } else if (stop > from) {
                    int at = out.add(stop - from, 0);
                    in.copyTo(from, out.array(), at, stop - from);
                    mark(out, past);
                }
            }
            carried = 0;
            from = eol + 1;
        }
        position = base + end;
    }

    /** The stream ended: the carried partial line (if any, and not the rest of a cut one) becomes a last line. */
    public void finish(MessageBatch out) {
        if (!discarding && carried > 0) {
            int end = carry[carried - 1] == '\r' ? carried - 1 : carried;
            if (end > 0) {
                out.add(carry, 0, end, 0);
                mark(out, position);
            }
        }
        carried = 0;
        discarding = false;
    }

    /** The carried start of a line plus {@code in[from, eol)}: one line. */
    private void completeCarried(Chunk in, int from, int eol, MessageBatch out, long past) {
        int n = carried + (eol - from);
        boolean cr = eol > from ? in.get(eol - 1) == '\r' : carry[carried - 1] == '\r';
        if (cr) {
            n--;
        }
        if (n > maxLineBytes) {
            truncated(in, from, out, past);
        } else if (n > 0) {
            int at = out.add(n, 0);
            int fromCarry = Math.min(carried, n);
            System.arraycopy(carry, 0, out.array(), at, fromCarry);
            in.copyTo(from, out.array(), at + fromCarry, n - fromCarry);
            mark(out, past);
        }
    }

    /** {@code in[from, end)} holds no newline: carry it, or cut the line once it is past the max. */
    private void hold(Chunk in, int from, int end, MessageBatch out, long past) {
        if (discarding) {
            return;
        }
        int m = end - from;
        int n = carried + m;
        if (n > maxLineBytes + 1 || n == maxLineBytes + 1 && in.get(end - 1) != '\r') {
            truncated(in, from, out, past); // past the max without its newline (a max-long one may await its LF)
            carried = 0;
            discarding = true;
            return;
        }
        if (n > carry.length) {
            carry = Arrays.copyOf(carry, Math.min(maxLineBytes + 1, Math.max(n, carry.length * 2)));
        }
        in.copyTo(from, carry, carried, m);
        carried = n;
    }

    /**
     * The first maxLineBytes bytes of the line made of the carried bytes and {@code in[from...]} (which together
     * hold more than maxLineBytes), cut between characters.
     */
    private void truncated(Chunk in, int from, MessageBatch out, long past) {
        int at = out.add(maxLineBytes, Tags.TRUNCATED);
        int fromCarry = Math.min(carried, maxLineBytes);
        System.arraycopy(carry, 0, out.array(), at, fromCarry);
        int rest = maxLineBytes - fromCarry;
        in.copyTo(from, out.array(), at + fromCarry, rest);
        byte next = carried > maxLineBytes ? carry[maxLineBytes] : in.get(from + rest);
        int end = Utf8.safeCut(out.array(), at, at + maxLineBytes, next);
        out.shortenLast(end - at);
        mark(out, past);
    }

    private void mark(MessageBatch out, long past) {
        if (positions) {
            out.positionOfLast(past);
        }
    }

    private record ArrayChunk(byte[] a) implements Chunk {
        @Override
        public int indexOf(int from, int to, byte value) {
            for (int i = from; i < to; i++) {
                if (a[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public byte get(int index) {
            return a[index];
        }

        @Override
        public void copyTo(int from, byte[] dst, int dstAt, int n) {
            System.arraycopy(a, from, dst, dstAt, n);
        }
    }
}
