package dev.gapless.agent.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip body (one member or several) with a hard cap on what it inflates to: output past the cap stops
 * the inflation at once, so a zip bomb costs at most {@code max} + 1 bytes of heap and never more CPU than that.
 */
public final class Gunzip {

    /** The body inflates to more than the cap. */
    public static final class TooLarge extends Exception {
        TooLarge(long max) {
            super("the gzip body inflates past max_decompressed_bytes (" + max + ")", null, false, false);
        }
    }

    private Gunzip() {
    }

    /**
     * @return the inflated bytes, exactly sized
     * @throws TooLarge   past {@code max} bytes
     * @throws IOException not valid gzip (the message says why)
     */
    public static byte[] inflate(byte[] body, int length, int max) throws TooLarge, IOException {
        byte[] out = new byte[Math.max(1, Math.min(max + 1, Math.max(4096, length * 4)))];
        int n = 0;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body, 0, length), 8192)) {
            while (true) {
                if (n == out.length) {
                    if (n > max) {
                        throw new TooLarge(max);
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) max + 1, (long) out.length * 2));
                }
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        if (n > max) {
            throw new TooLarge(max);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
