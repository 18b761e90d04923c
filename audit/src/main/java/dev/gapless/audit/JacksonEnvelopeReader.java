package dev.gapless.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.gapless.contract.EnvelopeFields;
import java.io.IOException;

/**
 * Reads one NDJSON line into an {@link Envelope} with Jackson's streaming parser, taking only the
 * fields the audit needs: {@code message}, {@code fields} and everything else are skipped without
 * being decoded into strings. This is the reference reading of a line: {@link EnvelopeScanner}
 * handles the lines the agent writes faster and hands everything else here, so what a malformed
 * line is called always comes from Jackson. Agent and boot ids are compared with the previous
 * line's in the parser's own buffer, so a run of lines from one boot allocates no id strings.
 *
 * <p>Owned by one thread (the one feeding the {@link Auditor}).
 */
final class JacksonEnvelopeReader {

    private final JsonFactory factory = JsonFactory.builder().build();
    private final IdCache agentIds = new IdCache();
    private final IdCache bootIds = new IdCache();
    private final Rfc3339 times = new Rfc3339();

    /**
     * Fills {@code out} from {@code buf[off, off+len)}, which must be valid UTF-8.
     *
     * @return null when the line is one JSON object whose {@code v}, {@code seq} and
     *     {@code agent_id}, where present, have the right types; else why not (for the garbage
     *     report). Whether those fields are present and in range is {@link EnvelopeParser}'s check.
     */
    String read(byte[] buf, int off, int len, Envelope out) {
        out.clear();
        try (JsonParser p = factory.createParser(buf, off, len)) {
            String problem = readObject(p, out);
            if (problem != null) {
                return problem;
            }
            if (p.nextToken() != null) {
                return "malformed JSON: content after the object";
            }
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + firstLine(e.getOriginalMessage());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
        return null;
    }

    private String readObject(JsonParser p, Envelope out) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return p.currentToken() == null ? "malformed JSON: empty" : "not a Gapless envelope: not a JSON object";
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case EnvelopeFields.V:
                    if (t != JsonToken.VALUE_NUMBER_INT) {
                        return "not a Gapless envelope: 'v' is not an integer";
                    }
                    out.version = p.getIntValue();
                    break;
                case EnvelopeFields.SEQ:
                    if (t != JsonToken.VALUE_NUMBER_INT) {
                        return "not a Gapless envelope: 'seq' is not an integer";
                    }
                    out.seq = p.getLongValue();
                    break;
                case EnvelopeFields.AGENT_ID:
                    if (t != JsonToken.VALUE_STRING || p.getTextLength() == 0) {
                        return "not a Gapless envelope: 'agent_id' is not a string";
                    }
                    out.agentId = agentIds.get(p);
                    break;
                case EnvelopeFields.BOOT_ID:
                    if (t == JsonToken.VALUE_STRING) {
                        out.bootId = bootIds.get(p);
                    } else {
                        // an object's members must not be read as the envelope's own
                        p.skipChildren();
                    }
                    break;
                case EnvelopeFields.KIND:
                    if (t == JsonToken.VALUE_STRING) {
                        out.kind = kindOf(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    } else {
                        p.skipChildren();
                    }
                    break;
                case EnvelopeFields.RECEIVED_AT:
                    out.receivedAt = time(p, t);
                    break;
                case EnvelopeFields.EVENT_TIME:
                    out.eventTime = time(p, t);
                    break;
                case EnvelopeFields.HEARTBEAT:
                    readHeartbeat(p, t, out);
                    break;
                case EnvelopeFields.LOSS:
                case EnvelopeFields.SKIPPED: // a skipped record's body has the same from_seq, to_seq, count
                    readLoss(p, t, out);
                    break;
                default:
                    // message, fields, tags, host, source, and anything newer: not decoded
                    p.skipChildren();
            }
        }
        return null;
    }

    private static void readHeartbeat(JsonParser p, JsonToken t, Envelope out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (name.equals(EnvelopeFields.HEAD_SEQ) && v == JsonToken.VALUE_NUMBER_INT) {
                out.headSeq = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readLoss(JsonParser p, JsonToken t, Envelope out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            boolean isInt = v == JsonToken.VALUE_NUMBER_INT;
            boolean isString = v == JsonToken.VALUE_STRING;
            switch (name) {
                case EnvelopeFields.FROM_SEQ:
                    out.lossFrom = isInt ? p.getLongValue() : Envelope.ABSENT;
                    break;
                case EnvelopeFields.TO_SEQ:
                    out.lossTo = isInt ? p.getLongValue() : Envelope.ABSENT;
                    break;
                case EnvelopeFields.COUNT:
                    out.lossCount = isInt ? p.getLongValue() : Envelope.ABSENT;
                    break;
                case EnvelopeFields.REASON:
                    out.lossReason = isString ? p.getText() : null;
                    break;
                case EnvelopeFields.OUTPUT:
                    out.lossOutput = isString ? p.getText() : null;
                    break;
                default:
                    break;
            }
            // past an object or array a member held (a no-op after a scalar)
            p.skipChildren();
        }
    }

    private long time(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return Envelope.ABSENT;
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return Rfc3339.INVALID;
        }
        return times.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private static int kindOf(char[] c, int off, int len) {
        if (matches(EnvelopeFields.KIND_EVENT, c, off, len)) {
            return Envelope.KIND_EVENT;
        }
        if (matches(EnvelopeFields.KIND_HEARTBEAT, c, off, len)) {
            return Envelope.KIND_HEARTBEAT;
        }
        if (matches(EnvelopeFields.KIND_LOSS, c, off, len)) {
            return Envelope.KIND_LOSS;
        }
        if (matches(EnvelopeFields.KIND_SKIPPED, c, off, len)) {
            return Envelope.KIND_SKIPPED;
        }
        return Envelope.KIND_OTHER;
    }

    private static boolean matches(String s, char[] c, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != c[off + i]) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The last id string seen, reused while the parser's text equals it. */
    private static final class IdCache {
        private char[] chars = new char[0];
        private String value;

        String get(JsonParser p) throws IOException {
            char[] c = p.getTextCharacters();
            int off = p.getTextOffset();
            int len = p.getTextLength();
            if (value != null && len == chars.length) {
                boolean same = true;
                for (int i = 0; i < len; i++) {
                    if (chars[i] != c[off + i]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return value;
                }
            }
            value = new String(c, off, len);
            chars = value.toCharArray();
            return value;
        }
    }
}
