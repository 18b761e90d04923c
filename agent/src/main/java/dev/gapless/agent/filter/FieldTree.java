package dev.gapless.agent.filter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.gapless.agent.codec.ByteSink;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event's fields as a tree of plain Java values, and back to the UTF-8 JSON the journal stores. The tree is a
 * {@code LinkedHashMap<String, Object>} (keys in the order written) whose values are String, Long, Double,
 * BigInteger, BigDecimal, Boolean, null, {@code List<Object>} or another such map: what JSON holds, and what every
 * filter reads and writes. Parsing is bounded in nesting ({@link #MAX_DEPTH}), so no input can overflow the stack.
 */
public final class FieldTree {

    /** Objects and arrays nested deeper than this are refused when parsed. */
    public static final int MAX_DEPTH = 64;

    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private FieldTree() {
    }

    /**
     * Parses a JSON object.
     *
     * @throws IOException if {@code json[from, from + n)} is not one JSON object (with a message saying why)
     */
    public static Map<String, Object> parseObject(byte[] json, int from, int n) throws IOException {
        try (JsonParser p = JSON.createParser(json, from, n)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            Map<String, Object> out = object(p);
            if (p.nextToken() != null) {
                throw new IOException("more after the JSON object, at " + p.currentTokenLocation().getCharOffset());
            }
            return out;
        }
    }

    /**
     * Parses any JSON value (an object, an array, a string, a number, true, false or null) from text.
     *
     * @throws IOException if {@code text} is not exactly one JSON value
     */
    public static Object parseValue(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("no JSON value (empty)");
            }
            Object v = value(p, t);
            if (p.nextToken() != null) {
                throw new IOException("more after the JSON value");
            }
            return v;
        }
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            out.put(key, value(p, p.nextToken()));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unexpected " + t);
        }
        return out;
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, item));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + t);
        };
    }

    /** Writes {@code fields} as a JSON object into {@code out} (cleared first). */
    public static void write(Map<String, Object> fields, ByteSink out) {
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, fields, 0);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    private static void write(JsonGenerator g, Object v, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            g.writeString("(deeper than " + MAX_DEPTH + ")"); // only a filter can build this; bounded, not recursed
            return;
        }
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object item : l) {
                write(g, item, depth + 1);
            }
            g.writeEndArray();
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                g.writeNull(); // JSON has no NaN or infinity
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof Float f) {
            write(g, f.doubleValue(), depth);
        } else if (v instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(v.toString());
        }
    }
}
