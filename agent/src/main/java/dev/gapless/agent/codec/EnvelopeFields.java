package dev.gapless.agent.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gapless.config.FieldPath;
import java.io.IOException;

/**
 * Reads values out of an envelope as the {@code json_lines} codec wrote it, for outputs that route or key events by
 * a field. The envelope is the agent's own output, so a parse failure means a bug or damage: it reads as "no value",
 * and the caller falls back to its static setting.
 */
public final class EnvelopeFields {

    // Nesting is bounded as the envelope's own fields are; a deeper document is refused, not recursed into.
    private static final ObjectMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build()).build();

    private EnvelopeFields() {
    }

    /** Parses the envelope in {@code bytes[from, to)} (a trailing newline is fine); null if it is not JSON. */
    public static JsonNode parse(byte[] bytes, int from, int to) {
        try {
            return JSON.readTree(bytes, from, to - from);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The value at {@code path} as text: a string as it is, a number or a boolean as JSON writes it.
     *
     * @return null when the path is missing, or leads to an object, an array or null
     */
    public static String text(JsonNode envelope, FieldPath path) {
        JsonNode at = envelope;
        for (String key : path.segments()) {
            if (at == null || !at.isObject()) {
                return null;
            }
            at = at.get(key);
        }
        return at != null && at.isValueNode() && !at.isNull() ? at.asText() : null;
    }
}
