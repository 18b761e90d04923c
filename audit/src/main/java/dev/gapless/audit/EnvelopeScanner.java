package dev.gapless.audit;

import dev.gapless.contract.EnvelopeFields;
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
 * anything else (see {@link JsonCursor}). Lines the agent writes never need Jackson; the fuzz
 * test in {@code EnvelopeScannerTest} checks the invariant on mutated lines.
 *
 * <p>Owned by one thread (the one feeding the {@link Auditor}).
 */
final class EnvelopeScanner {

    private static final byte[] V = ascii(EnvelopeFields.V);
    private static final byte[] SEQ = ascii(EnvelopeFields.SEQ);
    private static final byte[] AGENT_ID = ascii(EnvelopeFields.AGENT_ID);
    private static final byte[] BOOT_ID = ascii(EnvelopeFields.BOOT_ID);
    private static final byte[] KIND = ascii(EnvelopeFields.KIND);
    private static final byte[] RECEIVED_AT = ascii(EnvelopeFields.RECEIVED_AT);
    private static final byte[] EVENT_TIME = ascii(EnvelopeFields.EVENT_TIME);
    private static final byte[] HEARTBEAT = ascii(EnvelopeFields.HEARTBEAT);
    private static final byte[] LOSS = ascii(EnvelopeFields.LOSS);
    private static final byte[] SKIPPED = ascii(EnvelopeFields.SKIPPED);
    private static final byte[] HEAD_SEQ = ascii(EnvelopeFields.HEAD_SEQ);
    private static final byte[] FROM_SEQ = ascii(EnvelopeFields.FROM_SEQ);
    private static final byte[] TO_SEQ = ascii(EnvelopeFields.TO_SEQ);
    private static final byte[] COUNT = ascii(EnvelopeFields.COUNT);
    private static final byte[] REASON = ascii(EnvelopeFields.REASON);
    private static final byte[] OUTPUT = ascii(EnvelopeFields.OUTPUT);
    private static final byte[] EVENT = ascii(EnvelopeFields.KIND_EVENT);

    private final JsonCursor in = new JsonCursor();
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
        in.reset(buf, off, len);
        out.clear();
        try {
            if (in.enterObject()) {
                do {
                    in.readKey();
                    readEnvelopeField(out);
                } while (in.nextInObject());
            }
            return in.atEndAfterWhitespace();
        } catch (JsonCursor.Defer d) {
            return false;
        } finally {
            in.release();
        }
    }

    /** Reads the value of the member whose key was just read. */
    private void readEnvelopeField(Envelope out) {
        int c = in.peek();
        if (in.stringIs(V)) {
            long v = in.readInteger();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw JsonCursor.DEFER; // Jackson calls it out of range
            }
            out.version = (int) v;
        } else if (in.stringIs(SEQ)) {
            out.seq = in.readInteger();
        } else if (in.stringIs(AGENT_ID)) {
            in.readPlainString(JsonCursor.MAX_STRING);
            if (in.stringLength() == 0) {
                throw JsonCursor.DEFER;
            }
            out.agentId = agentIds.get(in.bytes(), in.stringStart(), in.stringLength());
        } else if (in.stringIs(BOOT_ID) && c == '"') {
            in.readPlainString(JsonCursor.MAX_STRING);
            out.bootId = bootIds.get(in.bytes(), in.stringStart(), in.stringLength());
        } else if (in.stringIs(KIND) && c == '"') {
            in.readPlainString(JsonCursor.MAX_STRING);
            out.kind = kindOf();
        } else if (in.stringIs(RECEIVED_AT)) {
            out.receivedAt = readTime();
        } else if (in.stringIs(EVENT_TIME)) {
            out.eventTime = readTime();
        } else if (in.stringIs(HEARTBEAT) && c == '{') {
            readHeartbeat(out);
        } else if ((in.stringIs(LOSS) || in.stringIs(SKIPPED)) && c == '{') {
            readLoss(out); // a skipped record's body has the same from_seq, to_seq, count
        } else {
            // message, fields, tags, host, source, anything newer, and known keys of another type
            in.skipValue(1);
        }
    }

    private void readHeartbeat(Envelope out) {
        if (!in.enterObject()) {
            return;
        }
        do {
            in.readKey();
            if (in.stringIs(HEAD_SEQ) && JsonCursor.isNumberStart(in.peek())) {
                out.headSeq = in.readInteger();
            } else {
                in.skipValue(2);
            }
        } while (in.nextInObject());
    }

    private void readLoss(Envelope out) {
        if (!in.enterObject()) {
            return;
        }
        do {
            in.readKey();
            int c = in.peek();
            boolean number = JsonCursor.isNumberStart(c);
            boolean string = c == '"';
            if (in.stringIs(FROM_SEQ)) {
                out.lossFrom = number ? in.readInteger() : skipToAbsent();
            } else if (in.stringIs(TO_SEQ)) {
                out.lossTo = number ? in.readInteger() : skipToAbsent();
            } else if (in.stringIs(COUNT)) {
                out.lossCount = number ? in.readInteger() : skipToAbsent();
            } else if (in.stringIs(REASON)) {
                out.lossReason = string ? readText() : skipToNull();
            } else if (in.stringIs(OUTPUT)) {
                out.lossOutput = string ? readText() : skipToNull();
            } else {
                in.skipValue(2);
            }
        } while (in.nextInObject());
    }

    private long skipToAbsent() {
        in.skipValue(2);
        return Envelope.ABSENT;
    }

    private String skipToNull() {
        in.skipValue(2);
        return null;
    }

    private String readText() {
        in.readPlainString(JsonCursor.MAX_STRING);
        return new String(in.bytes(), in.stringStart(), in.stringLength(), StandardCharsets.UTF_8);
    }

    /** A time string as epoch nanoseconds, {@code null} as ABSENT, any other value as INVALID. */
    private long readTime() {
        int c = in.peek();
        if (c == '"') {
            in.readPlainString(JsonCursor.MAX_STRING);
            // a byte above ASCII fails as its decoded char would: no RFC 3339 time has either
            return times.parse(in.bytes(), in.stringStart(), in.stringLength());
        }
        if (c == 'n') {
            in.readNull();
            return Envelope.ABSENT;
        }
        in.skipValue(1);
        return Rfc3339.INVALID;
    }

    private int kindOf() {
        if (in.stringIs(EVENT)) {
            return Envelope.KIND_EVENT;
        }
        if (in.stringIs(HEARTBEAT)) {
            return Envelope.KIND_HEARTBEAT;
        }
        if (in.stringIs(LOSS)) {
            return Envelope.KIND_LOSS;
        }
        if (in.stringIs(SKIPPED)) {
            return Envelope.KIND_SKIPPED;
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

        String get(byte[] buf, int from, int n) {
            if (n == length && Arrays.equals(bytes, 0, n, buf, from, from + n)) {
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
