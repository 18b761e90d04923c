package dev.gapless.agent.filter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A quick reading of the JSON most log lines are: one flat object of at most {@link FieldMap#MAX_ENTRIES} distinct
 * keys of printable ASCII, whose values are printable ASCII strings without escapes, integers of at most
 * {@link #MAX_DIGITS} digits, {@code true}, {@code false} or {@code null}. It answers only where Jackson would read
 * the same tree (the same keys in the same order, the same String, Long and Boolean values); for anything else
 * (nesting, an escape, a byte past ASCII, a fraction or an exponent, a repeated key, a control character, damage of
 * any kind) it answers null, and Jackson reads the bytes and decides, errors included. So it changes how fast a tree
 * is read, never which tree, nor which text is refused. What it reads is a {@link FieldMap}: an index over a copy of
 * the bytes, whose values are made only when read.
 */
final class FlatJson {

    /** Longer integers are left to Jackson (18 digits always fit a long; 19 may not). */
    static final int MAX_DIGITS = 18;
    /** Longer keys are left to Jackson, which refuses names past its own limit (50,000 by default). */
    static final int MAX_KEY_BYTES = 1024;

    private FlatJson() {
    }

    /**
     * The object {@code b[from, from + n)} holds, when it is one this reader can be sure of; else null (which says
     * nothing about whether the bytes are JSON).
     */
    static FieldMap parse(byte[] b, int from, int n) {
        int first = space(b, from, from + n);
        if (first >= from + n || b[first] != '{') {
            return null; // before any copy: most text that is no JSON object ends here
        }
        byte[] raw = Arrays.copyOfRange(b, from, from + n);
        return read(raw);
    }

    private static FieldMap read(byte[] b) {
        int end = b.length;
        int i = space(b, 0, end) + 1; // past the '{' that parse saw
        FieldMap out = new FieldMap(b, 8);
        i = space(b, i, end);
        if (i < end && b[i] == '}') {
            return space(b, i + 1, end) == end ? out : null;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return null;
            }
            int keyFrom = i++;
            int h = 0;
            while (i < end && plain(b[i])) {
                h = 31 * h + b[i]; // String's hash of the key, since every byte is ASCII
                i++;
            }
            if (i >= end || b[i] != '"' || i - keyFrom - 1 > MAX_KEY_BYTES) {
                return null;
            }
            int keyEnd = ++i;
            i = space(b, i, end);
            if (i >= end || b[i] != ':') {
                return null;
            }
            i = space(b, i + 1, end);
            if (i >= end) {
                return null;
            }
            int valueFrom = i;
            byte c = b[i];
            byte kind;
            if (c == '"') {
                i = plainRun(b, i + 1, end);
                if (i >= end || b[i] != '"') {
                    return null;
                }
                i++;
                kind = FieldMap.STRING;
            } else if (c == '-' || c >= '0' && c <= '9') {
                int d = c == '-' ? i + 1 : i;
                int e = d;
                if (e < end && b[e] == '0') {
                    // JSON allows no digit after a leading zero: one that follows is damage, for Jackson to name.
                    // A -0 is left to Jackson too: it reads as 0, which is written without the sign.
                    if (c == '-') {
                        return null;
                    }
                    e++;
                } else {
                    while (e < end && b[e] >= '0' && b[e] <= '9') {
                        e++;
                    }
                }
                if (e == d || e - d > MAX_DIGITS
                        || e < end && (b[e] == '.' || b[e] == 'e' || b[e] == 'E' || b[e] >= '0' && b[e] <= '9')) {
                    return null;
                }
                i = e;
                kind = FieldMap.INTEGER;
            } else if (word(b, i, end, TRUE)) {
                i += 4;
                kind = FieldMap.TRUE;
            } else if (word(b, i, end, FALSE)) {
                i += 5;
                kind = FieldMap.FALSE;
            } else if (word(b, i, end, NULL)) {
                i += 4;
                kind = FieldMap.NULL;
            } else {
                return null; // an object, an array, or damage
            }
            if (!out.addRaw(h, keyFrom, keyEnd, kind, valueFrom, i)) {
                return null; // a repeated key, or more keys than the index holds
            }
            i = space(b, i, end);
            if (i >= end) {
                return null;
            }
            if (b[i] == '}') {
                return space(b, i + 1, end) == end ? out : null;
            }
            if (b[i] != ',') {
                return null;
            }
            i = space(b, i + 1, end);
        }
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private static boolean word(byte[] b, int i, int end, byte[] w) {
        if (end - i < w.length) {
            return false;
        }
        for (int j = 0; j < w.length; j++) {
            if (b[i + j] != w[j]) {
                return false;
            }
        }
        return true;
    }

    /** The first index from {@code i} that is not JSON whitespace (space, tab, line feed, carriage return). */
    private static int space(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first index from {@code i} whose byte is not {@link #plain}, eight bytes at a time: a word's bytes past
     * ASCII, below a space, or equal to a quote, a backslash or DEL each set their high bit in the mask. A byte above
     * a match may be marked falsely (a borrow), never one below, so the lowest mark is the first such byte.
     */
    private static int plainRun(byte[] b, int i, int end) {
        while (i + 8 <= end) {
            long w = (long) LONGS.get(b, i);
            long mask = (w | (w - 0x20 * ONES) & ~w | zero(w ^ '"' * ONES) | zero(w ^ '\\' * ONES)
                    | zero(w ^ 0x7F * ONES)) & HIGHS;
            if (mask != 0) {
                return i + (Long.numberOfTrailingZeros(mask) >>> 3);
            }
            i += 8;
        }
        while (i < end && plain(b[i])) {
            i++;
        }
        return i;
    }

    /** High bits set in each byte of {@code x} that is zero (and maybe in bytes above one). */
    private static long zero(long x) {
        return (x - ONES) & ~x;
    }

    /**
     * Whether {@code c} is printable ASCII other than a quote or a backslash. DEL (0x7F) JSON allows unescaped, but it
     * is rare enough to leave to Jackson; bytes past ASCII are negative here.
     */
    private static boolean plain(byte c) {
        return c >= 0x20 && c != '"' && c != '\\' && c != 0x7F;
    }
}
