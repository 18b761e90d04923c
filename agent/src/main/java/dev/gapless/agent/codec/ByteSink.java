package dev.gapless.agent.codec;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that an encoder writes a batch into; reused batch after batch by one output
 * worker. It grows to the largest batch seen (bounded by the output's {@code batch.max_bytes} plus one
 * event) and never shrinks.
 */
public final class ByteSink extends OutputStream {

    private byte[] buf;
    private int length;

    public ByteSink(int initialCapacity) {
        this.buf = new byte[initialCapacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, length, len);
        length += len;
    }

    public void reset() {
        length = 0;
    }

    /** Drops what was written after {@code length} bytes (e.g. a record that failed half-way). */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("cannot truncate " + this.length + " bytes to " + length);
        }
        this.length = length;
    }

    public int length() {
        return length;
    }

    /**
     * Makes room for {@code more} bytes past the end, so a writer can fill {@link #array()} from {@link #length()}
     * directly and then {@link #advance} over what it wrote: one bounds check for a run instead of one per byte.
     */
    public void ensureWritable(int more) {
        ensure(more);
    }

    /** Counts {@code n} bytes written into {@link #array()} past the end (room made by {@link #ensureWritable}). */
    public void advance(int n) {
        if (n < 0 || length + n > buf.length) {
            throw new IllegalArgumentException("cannot advance " + length + " bytes by " + n + " in " + buf.length);
        }
        length += n;
    }

    public byte[] array() {
        return buf;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
