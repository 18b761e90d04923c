package dev.gapless.agent.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an envelope line straight from its bytes, for the fields the audit needs ({@code v},
 * {@code kind}, {@code agent_id}, {@code boot_id}, {@code seq}, {@code received_at},
 * {@code event_time}, {@code heartbeat.head_seq}, {@code loss.*}). It exists for speed: a line's
 * message and fields are most of its bytes, and here they are only checked, eight bytes at a time,
 * never decoded, with no parser object, token or string made per line.
 *
 * <p>Invariant: when {@link #scan} returns true, the line is one well-formed JSON object and
 * {@code out} holds exactly what {@link JacksonEnvelopeReader} would read from it. To keep that
 * simple, the scanner takes only what it is sure of and returns false (defers to Jackson) for
 * anything else: malformed JSON, an escape in a key or in a string it keeps, a number that is no
 * plain integer where an integer is wanted, nesting deeper than {@value #MAX_DEPTH}, or tokens
 * longer than Jackson's read limits could reach. Lines the agent writes never hit those; the
 * fuzz test in {@code EnvelopeScannerTest} checks the invariant on mutated lines.
 *
 * <p>The line must be valid UTF-8 (checked before); bytes above ASCII are then only ever skipped
 * inside strings. Owned by one thread (the one feeding the {@link Auditor}).
 */
final class EnvelopeScanner {

    // deeper values are left to Jackson (whose own default limit is far above any envelope)
    static final int MAX_DEPTH = 64;
    // longer numbers, keys or strings are left to Jackson, whose limits (1,000 digits, 50,000-char
    // names, 20M-char strings) must then decide
    private static final int MAX_NUMBER = 100;
    private static final int MAX_KEY = 1000;
    private static final int MAX_STRING = 1 << 20;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    private static final byte[] AGENT_ID = ascii("agent_id");
    private static final byte[] BOOT_ID = ascii("boot_id");
    private static final byte[] EVENT_TIME = ascii("event_time");
    private static final byte[] RECEIVED_AT = ascii("received_at");
    private static final byte[] HEARTBEAT = ascii("heartbeat");
    private static final byte[] HEAD_SEQ = ascii("head_seq");
    private static final byte[] FROM_SEQ = ascii("from_seq");
    private static final byte[] TO_SEQ = ascii("to_seq");
    private static final byte[] COUNT = ascii("count");
    private static final byte[] REASON = ascii("reason");
    private static final byte[] OUTPUT = ascii("output");
    private static final byte[] SEQ = ascii("seq");
    private static final byte[] KIND = ascii("kind");
    private static final byte[] LOSS = ascii("loss");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    /** Thrown to leave a line to Jackson; preallocated and stackless, as it is control flow. */
    private static final class Defer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Defer() {
            super(null, null, false, false);
        }
    }

    private static final Defer DEFER = new Defer();

    // the line being scanned: b[pos, end)
    private byte[] b;
    private int pos;
    private int end;
    // the content of the last string read by readPlainString: b[strStart, strEnd)
    private int strStart;
    private int strEnd;
    private final IdBytes agentIds = new IdBytes();
    private final IdBytes bootIds = new IdBytes();
    private final Rfc3339 times = new Rfc3339();

    /**
     * Fills {@code out} from {@code buf[off, off+len)}, valid UTF-8.
     *
     * @return true when the line was read (see the class invariant); false to leave it to Jackson,
     *     in which case {@code out} holds partial values
     */
    boolean scan(byte[] buf, int off, int len, Envelope out) {
        b = buf;
        pos = off;
        end = off + len;
        out.clear();
        try {
            skipWhitespace();
            expect('{');
            readEnvelope(out);
            skipWhitespace();
            return pos == end;
        } catch (Defer d) {
            return false;
        } finally {
            b = null;
        }
    }

    private void readEnvelope(Envelope out) {
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            skipWhitespace();
            readPlainString(MAX_KEY);
            int ks = strStart;
            int kl = strEnd - strStart;
            skipWhitespace();
            expect(':');
            skipWhitespace();
            readEnvelopeField(ks, kl, out);
            skipWhitespace();
        } while (nextInObject());
    }

    private void readEnvelopeField(int ks, int kl, Envelope out) {
        int c = peek();
        if (kl == 1 && b[ks] == 'v') {
            long v = readInteger();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw DEFER; // Jackson calls it out of range
            }
            out.version = (int) v;
        } else if (isKey(ks, kl, SEQ)) {
            out.seq = readInteger();
        } else if (isKey(ks, kl, AGENT_ID)) {
            if (c != '"') {
                throw DEFER;
            }
            readPlainString(MAX_STRING);
            if (strEnd == strStart) {
                throw DEFER;
            }
            out.agentId = agentIds.get(b, strStart, strEnd);
        } else if (isKey(ks, kl, BOOT_ID) && c == '"') {
            readPlainString(MAX_STRING);
            out.bootId = bootIds.get(b, strStart, strEnd);
        } else if (isKey(ks, kl, KIND) && c == '"') {
            readPlainString(MAX_STRING);
            out.kind = kindOf(strStart, strEnd - strStart);
        } else if (isKey(ks, kl, RECEIVED_AT)) {
            out.receivedAt = readTime();
        } else if (isKey(ks, kl, EVENT_TIME)) {
            out.eventTime = readTime();
        } else if (isKey(ks, kl, HEARTBEAT) && c == '{') {
            readHeartbeat(out);
        } else if (isKey(ks, kl, LOSS) && c == '{') {
            readLoss(out);
        } else {
            // message, fields, tags, host, source, anything newer, and known keys of another type
            skipValue(1);
        }
    }

    private void readHeartbeat(Envelope out) {
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            skipWhitespace();
            readPlainString(MAX_KEY);
            boolean headSeq = isKey(strStart, strEnd - strStart, HEAD_SEQ);
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (headSeq && isNumberStart(peek())) {
                out.headSeq = readInteger();
            } else {
                skipValue(2);
            }
            skipWhitespace();
        } while (nextInObject());
    }

    private void readLoss(Envelope out) {
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            skipWhitespace();
            readPlainString(MAX_KEY);
            int ks = strStart;
            int kl = strEnd - strStart;
            skipWhitespace();
            expect(':');
            skipWhitespace();
            boolean number = isNumberStart(peek());
            boolean string = peek() == '"';
            if (isKey(ks, kl, FROM_SEQ)) {
                out.lossFrom = number ? readInteger() : skipToAbsent();
            } else if (isKey(ks, kl, TO_SEQ)) {
                out.lossTo = number ? readInteger() : skipToAbsent();
            } else if (isKey(ks, kl, COUNT)) {
                out.lossCount = number ? readInteger() : skipToAbsent();
            } else if (isKey(ks, kl, REASON)) {
                out.lossReason = string ? readText() : skipToNull();
            } else if (isKey(ks, kl, OUTPUT)) {
                out.lossOutput = string ? readText() : skipToNull();
            } else {
                skipValue(2);
            }
            skipWhitespace();
        } while (nextInObject());
    }

    private long skipToAbsent() {
        skipValue(2);
        return Envelope.ABSENT;
    }

    private String skipToNull() {
        skipValue(2);
        return null;
    }

    private String readText() {
        readPlainString(MAX_STRING);
        return new String(b, strStart, strEnd - strStart, StandardCharsets.UTF_8);
    }

    /** A time string as epoch nanoseconds, {@code null} as ABSENT, any other value as INVALID. */
    private long readTime() {
        int c = peek();
        if (c == '"') {
            readPlainString(MAX_STRING);
            // a byte above ASCII fails as its decoded char would: no RFC 3339 time has either
            return times.parse(b, strStart, strEnd - strStart);
        }
        if (c == 'n') {
            literal(NULL);
            return Envelope.ABSENT;
        }
        skipValue(1);
        return Rfc3339.INVALID;
    }

    /**
     * After a member's value: true at a comma (another member follows), false at the closing
     * brace; anything else defers.
     */
    private boolean nextInObject() {
        int c = take();
        if (c == ',') {
            return true;
        }
        if (c == '}') {
            return false;
        }
        throw DEFER;
    }

    /** Skips one well-formed JSON value at {@code pos}, inside {@code depth} containers. */
    private void skipValue(int depth) {
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

    private void skipObject(int depth) {
        if (depth > MAX_DEPTH) {
            throw DEFER;
        }
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            skipWhitespace();
            if (peek() != '"') {
                throw DEFER;
            }
            skipString(MAX_KEY);
            skipWhitespace();
            expect(':');
            skipWhitespace();
            skipValue(depth);
            skipWhitespace();
        } while (nextInObject());
    }

    private void skipArray(int depth) {
        if (depth > MAX_DEPTH) {
            throw DEFER;
        }
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            skipValue(depth);
            skipWhitespace();
            int c = take();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw DEFER;
            }
        }
    }

    /** An integer as JSON writes it ({@code -?(0|[1-9][0-9]*)}), of at most 18 digits. */
    private long readInteger() {
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
        // a fraction or exponent after it is no integer: the member's end check defers on it
        if (digits == 0 || digits > 18 || (digits > 1 && b[first] == '0')) {
            throw DEFER;
        }
        return negative ? -v : v;
    }

    /** Any JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void skipNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            throw DEFER;
        }
        if (peek() == '.') {
            pos++;
            skipDigits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
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

    /**
     * Reads a string without escapes at {@code pos} (an opening quote), leaving its content in
     * {@code strStart, strEnd}; an escape defers, as the value would need decoding.
     */
    private void readPlainString(int maxLength) {
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

    private void expect(char c) {
        if (take() != c) {
            throw DEFER;
        }
    }

    /** The byte at {@code pos} (0-255), or -1 at the end of the line. */
    private int peek() {
        return pos < end ? b[pos] & 0xFF : -1;
    }

    private int take() {
        return pos < end ? b[pos++] & 0xFF : -1;
    }

    private static boolean isNumberStart(int c) {
        return c == '-' || (c >= '0' && c <= '9');
    }

    private boolean isKey(int start, int length, byte[] key) {
        if (length != key.length) {
            return false;
        }
        // a plain loop: keys are short, and Arrays.equals only pays off when C2 compiles it
        for (int i = 0; i < length; i++) {
            if (b[start + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private int kindOf(int start, int length) {
        if (isKey(start, length, EVENT)) {
            return Envelope.KIND_EVENT;
        }
        if (isKey(start, length, HEARTBEAT)) {
            return Envelope.KIND_HEARTBEAT;
        }
        if (isKey(start, length, LOSS)) {
            return Envelope.KIND_LOSS;
        }
        return Envelope.KIND_OTHER;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The last id seen, as bytes and as the string handed out while the bytes repeat. */
    private static final class IdBytes {
        private byte[] bytes = new byte[64];
        private int length = -1;
        private String value;

        String get(byte[] buf, int from, int to) {
            int n = to - from;
            if (n == length && Arrays.equals(bytes, 0, n, buf, from, to)) {
                return value;
            }
            if (bytes.length < n) {
                bytes = new byte[n];
            }
            System.arraycopy(buf, from, bytes, 0, n);
            length = n;
            value = new String(buf, from, n, StandardCharsets.UTF_8);
            return value;
        }
    }
}
