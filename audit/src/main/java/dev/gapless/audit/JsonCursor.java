package dev.gapless.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A position in one line's bytes, with the JSON steps {@link EnvelopeScanner} is built from: skip
 * any value while checking it is well-formed, read a string that needs no decoding, read a plain
 * integer. It is strict the safe way: anything it is not sure Jackson would read the same (an
 * escape where a string is kept, a fraction where an integer is wanted, nesting deeper than
 * {@value #MAX_DEPTH}, a token long enough to meet Jackson's read limits, anything malformed)
 * throws {@link Defer}, and the caller leaves the line to Jackson.
 *
 * <p>The bytes must be valid UTF-8 (checked before); bytes above ASCII are then only ever skipped
 * inside strings. Owned by the thread that owns its scanner.
 */
final class JsonCursor {

    /** Values nested deeper are left to Jackson (whose own limit is far above any envelope's). */
    static final int MAX_DEPTH = 64;
    /** Longest key kept or skipped; Jackson refuses names over 50,000 chars. */
    static final int MAX_KEY = 1000;
    /** Longest string kept or skipped; Jackson's limit is 20M chars. */
    static final int MAX_STRING = 1 << 20;
    // longest number skipped; Jackson refuses numbers over 1,000 chars
    private static final int MAX_NUMBER = 100;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /** Leaves the line to Jackson; preallocated and stackless, as it is control flow, not an error. */
    static final class Defer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Defer() {
            super(null, null, false, false);
        }
    }

    static final Defer DEFER = new Defer();

    // the line: b[pos, end); b is null between lines
    private byte[] b;
    private int pos;
    private int end;
    // the content of the last string read by readPlainString: b[strStart, strEnd)
    private int strStart;
    private int strEnd;

    void reset(byte[] buf, int off, int len) {
        b = buf;
        pos = off;
        end = off + len;
    }

    /** Drops the reference to the caller's buffer. */
    void release() {
        b = null;
    }

    /** The line's buffer, for reading a string's bytes in place. */
    byte[] bytes() {
        return b;
    }

    int stringStart() {
        return strStart;
    }

    int stringLength() {
        return strEnd - strStart;
    }

    /** True if the last string read is {@code word}. */
    boolean stringIs(byte[] word) {
        if (strEnd - strStart != word.length) {
            return false;
        }
        // a plain loop: keys are short, and Arrays.equals only pays off once C2 compiles it
        for (int i = 0; i < word.length; i++) {
            if (b[strStart + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when only whitespace is left. */
    boolean atEndAfterWhitespace() {
        skipWhitespace();
        return pos == end;
    }

    /** The next byte after whitespace (0-255), not consumed; -1 at the end of the line. */
    int peek() {
        skipWhitespace();
        return pos < end ? b[pos] & 0xFF : -1;
    }

    /**
     * Consumes an object's opening brace; false (having consumed the closing one too) when the
     * object is empty, true when a member follows.
     */
    boolean enterObject() {
        expect('{');
        if (peek() == '}') {
            pos++;
            return false;
        }
        return true;
    }

    /** Reads a member's key (an escape defers) and its colon; the key is then the last string. */
    void readKey() {
        readPlainString(MAX_KEY);
        expect(':');
    }

    /** After a member's value: true at a comma (another member follows), false at the closing brace. */
    boolean nextInObject() {
        int c = take();
        if (c == ',') {
            return true;
        }
        if (c == '}') {
            return false;
        }
        throw DEFER;
    }

    /** Reads a string that holds no escape; its content is then {@link #stringStart()} on. */
    void readPlainString(int maxLength) {
        if (peek() != '"') {
            throw DEFER;
        }
        int start = pos + 1;
        int p = nextSpecial(start);
        if (p >= end || b[p] != '"' || p - start > maxLength) {
            throw DEFER;
        }
        strStart = start;
        strEnd = p;
        pos = p + 1;
    }

    /** An integer as JSON writes it ({@code -?(0|[1-9][0-9]*)}), of at most 18 digits. */
    long readInteger() {
        boolean negative = peek() == '-';
        if (negative) {
            pos++;
        }
        int first = pos;
        long v = 0;
        while (pos < end) {
            int d = b[pos] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            pos++;
        }
        int digits = pos - first;
        // a fraction or exponent after it is no integer: the caller's next step defers on it
        if (digits == 0 || digits > 18 || (digits > 1 && b[first] == '0')) {
            throw DEFER;
        }
        return negative ? -v : v;
    }

    /** Reads {@code null}. */
    void readNull() {
        literal(NULL);
    }

    /** Skips one well-formed JSON value, inside {@code depth} containers. */
    void skipValue(int depth) {
        int c = peek();
        if (c == '"') {
            skipString(MAX_STRING);
        } else if (c == '{') {
            skipObject(depth + 1);
        } else if (c == '[') {
            skipArray(depth + 1);
        } else if (c == 't') {
            literal(TRUE);
        } else if (c == 'f') {
            literal(FALSE);
        } else if (c == 'n') {
            literal(NULL);
        } else if (isNumberStart(c)) {
            skipNumber();
        } else {
            throw DEFER;
        }
    }

    static boolean isNumberStart(int c) {
        return c == '-' || (c >= '0' && c <= '9');
    }

    private void skipObject(int depth) {
        if (depth > MAX_DEPTH) {
            throw DEFER;
        }
        if (!enterObject()) {
            return;
        }
        do {
            if (peek() != '"') {
                throw DEFER;
            }
            skipString(MAX_KEY);
            expect(':');
            skipValue(depth);
        } while (nextInObject());
    }

    private void skipArray(int depth) {
        if (depth > MAX_DEPTH) {
            throw DEFER;
        }
        pos++;
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipValue(depth);
            int c = take();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw DEFER;
            }
        }
    }

    /** Any JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void skipNumber() {
        int start = pos;
        if (b[pos] == '-') {
            pos++;
        }
        int c = pos < end ? b[pos] : -1;
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            throw DEFER;
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            skipDigits();
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            skipDigits();
        }
        if (pos - start > MAX_NUMBER) {
            throw DEFER;
        }
    }

    /** One or more digits. */
    private void skipDigits() {
        int first = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        if (pos == first) {
            throw DEFER;
        }
    }

    private void literal(byte[] word) {
        if (end - pos < word.length || !Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) {
            throw DEFER;
        }
        pos += word.length;
    }

    /** Skips a string at {@code pos} (an opening quote), checking its escapes as JSON has them. */
    private void skipString(int maxLength) {
        int start = pos + 1;
        int p = start;
        while (true) {
            p = nextSpecial(p);
            if (p >= end) {
                throw DEFER;
            }
            byte c = b[p];
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                throw DEFER; // an unescaped control character
            }
            p = skipEscape(p + 1);
        }
        if (p - start > maxLength) {
            throw DEFER;
        }
        pos = p + 1;
    }

    /** Checks the escape after a backslash at {@code p - 1}; returns the index after it. */
    private int skipEscape(int p) {
        if (p >= end) {
            throw DEFER;
        }
        switch (b[p]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                return p + 1;
            case 'u':
                if (p + 5 > end) {
                    throw DEFER;
                }
                for (int i = p + 1; i < p + 5; i++) {
                    if (Character.digit(b[i], 16) < 0) {
                        throw DEFER;
                    }
                }
                return p + 5;
            default:
                throw DEFER;
        }
    }

    /**
     * The index of the first quote, backslash or control character (below 0x20) at or after
     * {@code p}, or {@code end}. Eight bytes at a time: with the usual zero-byte tricks the lowest
     * flagged byte of a word is always a true hit (borrows only run upwards), so only it is used.
     * Bytes above ASCII are never flagged.
     */
    private int nextSpecial(int p) {
        byte[] buf = b;
        int e = end;
        while (p + 8 <= e) {
            long w = (long) LONGS.get(buf, p);
            long q = w ^ QUOTES;
            long s = w ^ BACKSLASHES;
            long hits = (((q - LOW_BITS) & ~q) | ((s - LOW_BITS) & ~s) | ((w - SPACES) & ~w)) & HIGH_BITS;
            if (hits != 0) {
                return p + (Long.numberOfTrailingZeros(hits) >>> 3);
            }
            p += 8;
        }
        while (p < e) {
            byte c = buf[p];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return p;
            }
            p++;
        }
        return e;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    /** Consumes {@code c} after whitespace, or defers. */
    private void expect(char c) {
        if (take() != c) {
            throw DEFER;
        }
    }

    /** The next byte after whitespace, consumed; -1 at the end of the line. */
    private int take() {
        skipWhitespace();
        return pos < end ? b[pos++] & 0xFF : -1;
    }
}
