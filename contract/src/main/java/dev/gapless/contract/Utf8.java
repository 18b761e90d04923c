package dev.gapless.contract;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF), and cuts lines without splitting a character. Inputs tag invalid lines; the auditor treats a
 * delivered line with invalid UTF-8 as damaged. ASCII, the common case, is checked eight bytes at a time.
 */
public final class Utf8 {

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** The offset of the first byte of an ill-formed sequence, or -1 when all of it is valid. */
    public static int firstInvalid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i + 8 <= end) {
            if (((long) LONGS.get(b, i) & HIGH_BITS) != 0) {
                return slow(b, i, end);
            }
            i += 8;
        }
        return slow(b, i, end);
    }

    private static int slow(byte[] b, int i, int end) {
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= end) {
                return i;
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }

    /** True if {@code b[from..to)} is well-formed UTF-8. */
    public static boolean isValid(byte[] b, int from, int to) {
        return firstInvalid(b, from, to - from) < 0;
    }

    /**
     * Where to cut {@code b[from..to)} when the byte after it, {@code next}, is dropped: before the lead byte
     * of a character that {@code next} would complete, so a cut never turns valid UTF-8 invalid.
     *
     * @return {@code to}, or up to 3 less; never {@code from} (a line of one broken character keeps it)
     */
    public static int safeCut(byte[] b, int from, int to, byte next) {
        if (!isContinuation(next)) {
            return to;
        }
        for (int i = to - 1; i >= Math.max(from, to - 3); i--) {
            if (!isContinuation(b[i])) {
                return (b[i] & 0xC0) == 0xC0 && i > from ? i : to;
            }
        }
        return to; // no lead byte within reach: invalid anyway, nothing to save
    }

    private static boolean isContinuation(byte c) {
        return (c & 0xC0) == 0x80;
    }
}
