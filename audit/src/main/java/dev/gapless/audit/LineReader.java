package dev.gapless.audit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n} (a {@code \r} before it is dropped), reading in
 * large blocks and handing each line out as a slice of its own buffer, which is valid only
 * during the call. The scan looks at eight bytes at a time and notes, on the way, whether a line
 * may hold a byte above ASCII, so that UTF-8 validation can be skipped for the common pure-ASCII
 * line. A line longer than {@link #MAX_LINE} bytes is not held: it is reported by its
 * length and skipped up to its newline, so memory stays bounded whatever the input.
 */
final class LineReader {

    /** Longest line kept; a longer one is reported through {@link Sink#tooLong} and skipped. */
    static final int MAX_LINE = 64 * 1024 * 1024;
    private static final int BLOCK = 1024 * 1024;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Receives lines; numbers are 1-based. */
    interface Sink {
        /**
         * @param maybeNonAscii false when every byte of the line is ASCII; true when some may not be
         */
        void line(byte[] buf, int off, int len, long lineNumber, boolean lastWithoutNewline, boolean maybeNonAscii);

        void tooLong(long lineNumber, long length);
    }

    private final int maxLine;
    private byte[] buf;

    LineReader() {
        this(MAX_LINE);
    }

    /** With a smaller bound on line length, for tests. */
    LineReader(int maxLine) {
        this.maxLine = maxLine;
        this.buf = new byte[Math.min(BLOCK, maxLine)];
    }

    /** Reads {@code in} to its end. Returns the number of lines. */
    long read(InputStream in, Sink sink) throws IOException {
        int start = 0;
        int end = 0;
        long lineNumber = 0;
        // bytes of an over-long line dropped so far; -1 when not skipping one
        long skipped = -1;
        // OR of the bytes scanned in the current line (a high bit means: maybe not ASCII)
        long highBits = 0;
        while (true) {
            if (end == buf.length) {
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                } else if (buf.length < maxLine) {
                    buf = Arrays.copyOf(buf, (int) Math.min(buf.length * 2L, maxLine));
                } else {
                    // the line will not fit: drop what we hold and skip to its end
                    skipped = (skipped < 0 ? 0 : skipped) + end;
                    start = 0;
                    end = 0;
                }
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                break;
            }
            int scan = end;
            end += n;
            int i = scan;
            while (i < end) {
                // find the next newline, 8 bytes at a time while 8 remain
                int nl = -1;
                while (i + 8 <= end) {
                    long w = (long) LONGS.get(buf, i);
                    highBits |= w;
                    long x = w ^ NEWLINES;
                    long found = (x - LOW_BITS) & ~x & HIGH_BITS;
                    if (found != 0) {
                        nl = i + (Long.numberOfTrailingZeros(found) >>> 3);
                        break;
                    }
                    i += 8;
                }
                if (nl < 0) {
                    while (i < end && buf[i] != '\n') {
                        highBits |= buf[i];
                        i++;
                    }
                    if (i == end) {
                        break;
                    }
                    nl = i;
                }
                lineNumber++;
                if (skipped >= 0) {
                    sink.tooLong(lineNumber, skipped + (nl - start));
                    skipped = -1;
                } else {
                    int lineEnd = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                    sink.line(buf, start, lineEnd - start, lineNumber, false, (highBits & HIGH_BITS) != 0);
                }
                // the word that held the newline may hold bytes of the next line: look again
                highBits = 0;
                start = nl + 1;
                i = start;
            }
            if (start == end) {
                start = 0;
                end = 0;
            }
        }
        if (skipped >= 0) {
            sink.tooLong(++lineNumber, skipped + (end - start));
        } else if (end > start) {
            sink.line(buf, start, end - start, ++lineNumber, true, true);
        }
        return lineNumber;
    }
}
