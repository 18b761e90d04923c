package dev.gapless.agent.input;

/** A fast check that bytes are well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
public final class Utf8 {

    private Utf8() {
    }

    public static boolean isValid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
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
                return false;
            }
            if (i + need >= to) {
                return false; // the sequence is cut off by the end
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
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
