package dev.gapless.agent.input.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.agent.journal.MessageBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns one request body into the events of one {@link MessageBatch}, all of it or none: the whole body is checked
 * before anything is offered, and the first bad line refuses the request, naming it. Bodies are
 * <ul>
 *   <li>{@link Format#NDJSON}: one JSON object per line (blank lines skipped);</li>
 *   <li>{@link Format#JSON}: NDJSON, or a JSON array of objects when the first non-space byte is {@code [};</li>
 *   <li>{@link Format#TEXT}: lines, each an event, split and cut as the TCP input's are.</li>
 * </ul>
 * An object's {@code message_key} value becomes the message (a string as is, any other value as its JSON text) and
 * its other keys the event's fields (a JSON object); an object without that key is its own message, with no
 * fields. An object that is a Gapless envelope already (it has {@code v}, {@code agent_id} and {@code seq}) is kept
 * whole as the message, with the field {@code relayed_from} (its {@code agent_id}), so a relayed stream keeps the
 * first agent's seqs for its audit. Stateless apart from the one reused splitter: one per connection.
 */
final class BodyParser {

    /** How a body is read, from its {@code Content-Type}. */
    enum Format {
        NDJSON,
        JSON,
        TEXT
    }

    /** Why a body was refused: the HTTP status, what is wrong (where), and how many events it held, at least 1. */
    record Refusal(int status, String message, int events) {
    }

    /** The field a relayed envelope gets: the agent whose stream it belongs to. */
    static final String RELAYED_FROM = "relayed_from";

    // A number's digits survive the round trip to the fields: floats as exact decimals, trailing zeros kept.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    /** For one element of an array: what follows it is the array's business. */
    private static final ObjectReader ELEMENT = JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String messageKey;
    private final int maxEventBytes;
    private final LineSplitter lines;

    BodyParser(String messageKey, int maxEventBytes) {
        this.messageKey = messageKey;
        this.maxEventBytes = maxEventBytes;
        this.lines = LineSplitter.lines(maxEventBytes);
    }

    /**
     * Adds the events of {@code body[0, length)} to {@code out} (cleared first).
     *
     * @return null when every event is in {@code out}; else why not (and {@code out} must not be offered)
     */
    Refusal parse(Format format, byte[] body, int length, MessageBatch out) {
        out.clear();
        if (format == Format.TEXT) {
            lines.restart(0, false);
            lines.split(LineSplitter.chunk(body), 0, length, out);
            lines.finish(out);
            return null;
        }
        int first = 0;
        while (first < length && isSpace(body[first])) {
            first++;
        }
        if (format == Format.JSON && first < length && body[first] == '[') {
            return array(body, length, out);
        }
        return ndjson(body, length, out);
    }

    private Refusal ndjson(byte[] body, int length, MessageBatch out) {
        int line = 0;
        int from = 0;
        while (from < length) {
            line++;
            int eol = from;
            while (eol < length && body[eol] != '\n') {
                eol++;
            }
            int start = from;
            int end = eol;
            while (start < end && isSpace(body[start])) {
                start++;
            }
            while (end > start && isSpace(body[end - 1])) {
                end--;
            }
            from = eol + 1;
            if (start == end) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(body, start, end - start);
            } catch (IOException e) {
                return refused(400, "line " + line + ": invalid JSON: " + reason(e), body, length);
            }
            if (!(node instanceof ObjectNode object)) {
                return refused(400, "line " + line + ": expected a JSON object, got " + what(node), body, length);
            }
            Refusal r = add(object, body, start, end - start, "line " + line, out);
            if (r != null) {
                return refused(r.status(), r.message(), body, length);
            }
        }
        return null;
    }

    private Refusal array(byte[] body, int length, MessageBatch out) {
        int element = 0;
        try (JsonParser p = JSON.getFactory().createParser(body, 0, length)) {
            p.nextToken(); // the '['
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                element++;
                JsonLocation at = p.currentTokenLocation();
                String where = "element " + element + " (line " + at.getLineNr() + ")";
                if (t == null) {
                    return new Refusal(400, "line " + at.getLineNr() + ": invalid JSON: the array is not closed",
                            element);
                }
                if (t != JsonToken.START_OBJECT) {
                    return new Refusal(400, where + ": expected a JSON object, got " + what(t), element);
                }
                int start = (int) at.getByteOffset();
                ObjectNode object = ELEMENT.readTree(p);
                int end = (int) p.currentLocation().getByteOffset();
                Refusal r = add(object, body, start, end - start, where, out);
                if (r != null) {
                    return new Refusal(r.status(), r.message(), element);
                }
            }
            if (p.nextToken() != null) {
                return new Refusal(400, "line " + p.currentTokenLocation().getLineNr()
                        + ": invalid JSON: content after the array", Math.max(1, element));
            }
            return null;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            return new Refusal(400, "line " + line + ": invalid JSON: " + reason(e), Math.max(1, element));
        } catch (IOException e) {
            return new Refusal(400, "invalid JSON: " + e.getMessage(), Math.max(1, element));
        }
    }

    /** One object as one event: {@code raw} is its text as sent. */
    private Refusal add(ObjectNode object, byte[] raw, int from, int n, String where, MessageBatch out) {
        byte[] message;
        byte[] fields = null;
        if (object.has("v") && object.has("agent_id") && object.has("seq")) {
            message = null;
            ObjectNode relayed = JSON.createObjectNode();
            relayed.set(RELAYED_FROM, object.get("agent_id"));
            fields = bytes(relayed);
        } else {
            JsonNode value = object.remove(messageKey);
            if (value == null) {
                message = null;
            } else {
                message = value.isTextual() ? value.textValue().getBytes(StandardCharsets.UTF_8) : bytes(value);
                fields = object.isEmpty() ? null : bytes(object);
            }
        }
        int messageBytes = message == null ? n : message.length;
        int total = messageBytes + (fields == null ? 0 : fields.length);
        if (total > maxEventBytes) {
            return new Refusal(413, where + ": an event of " + total + " bytes (message and fields) exceeds"
                    + " max_event_bytes (" + maxEventBytes + ")", 1);
        }
        if (message == null) {
            out.add(raw, from, n, 0);
        } else {
            out.add(message, 0, message.length, 0);
        }
        if (fields != null) {
            out.fieldsOfLast(fields, 0, fields.length);
        }
        return null;
    }

    /** A refusal counting the body's non-blank lines as its events. */
    private static Refusal refused(int status, String message, byte[] body, int length) {
        int events = 0;
        boolean content = false;
        for (int i = 0; i < length; i++) {
            if (body[i] == '\n') {
                events += content ? 1 : 0;
                content = false;
            } else if (!isSpace(body[i])) {
                content = true;
            }
        }
        events += content ? 1 : 0;
        return new Refusal(status, message, Math.max(1, events));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON value cannot be written back", e);
        }
    }

    private static String what(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String what(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Jackson's message without its location suffix (the line is ours to name) or source excerpt. */
    private static String reason(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
