package dev.gapless.agent.audit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n} (a {@code \r} before it is dropped), reading in
 * large blocks and handing each line out as a slice of its own buffer, which is valid only
 * during the call. A line longer than {@link #MAX_LINE} bytes is not held: it is reported by its
 * length and skipped up to its newline, so memory stays bounded whatever the input.
 */
final class LineReader {

    /** Longest line kept; a longer one is reported through {@link Sink#tooLong} and skipped. */
    static final int MAX_LINE = 64 * 1024 * 1024;
    private static final int BLOCK = 1024 * 1024;

    /** Receives lines; numbers are 1-based. */
    interface Sink {
        void line(byte[] buf, int off, int len, long lineNumber, boolean lastWithoutNewline);

        void tooLong(long lineNumber, long length);
    }

    private byte[] buf = new byte[BLOCK];

    /** Reads {@code in} to its end. Returns the number of lines. */
    long read(InputStream in, Sink sink) throws IOException {
        int start = 0;
        int end = 0;
        long lineNumber = 0;
        // bytes of an over-long line dropped so far; -1 when not skipping one
        long skipped = -1;
        while (true) {
            if (end == buf.length) {
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                } else if (buf.length < MAX_LINE) {
                    buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE));
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
            for (int i = scan; i < end; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                lineNumber++;
                if (skipped >= 0) {
                    sink.tooLong(lineNumber, skipped + (i - start));
                    skipped = -1;
                } else {
                    int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    sink.line(buf, start, lineEnd - start, lineNumber, false);
                }
                start = i + 1;
            }
            if (start == end) {
                start = 0;
                end = 0;
            }
        }
        if (skipped >= 0) {
            sink.tooLong(++lineNumber, skipped + (end - start));
        } else if (end > start) {
            sink.line(buf, start, end - start, ++lineNumber, true);
        }
        return lineNumber;
    }
}
