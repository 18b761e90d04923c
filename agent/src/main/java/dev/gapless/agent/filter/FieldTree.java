package dev.gapless.agent.filter;

import com.fasterxml.jackson.core.JsonFactory;
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
        Map<String, Object> flat = FlatJson.parse(json, from, n);
        return flat != null ? flat : jacksonObject(json, from, n);
    }

    /** {@link #parseObject} as Jackson alone reads it. */
    static Map<String, Object> jacksonObject(byte[] json, int from, int n) throws IOException {
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
     * Parses any JSON value from UTF-8 bytes, as {@link #parseValue(String)} does from text; cheaper, since nothing
     * is decoded first. Bytes that are not UTF-8 fail here where decoded text would read them as U+FFFD, so a
     * caller that wants the text's reading falls back to it on failure.
     *
     * @throws IOException if {@code json[from, from + n)} is not exactly one JSON value in UTF-8
     */
    public static Object parseValue(byte[] json, int from, int n) throws IOException {
        Map<String, Object> flat = FlatJson.parse(json, from, n);
        return flat != null ? flat : jacksonValue(json, from, n); // the common flat object read by code, else Jackson
    }

    /** {@link #parseValue(byte[], int, int)} as Jackson alone reads it. */
    static Object jacksonValue(byte[] json, int from, int n) throws IOException {
        if (n > PADDED_MAX) {
            try (JsonParser p = JSON.createParser(json, from, n)) {
                return whole(p);
            }
        }
        // Jackson reads a key on its fast path only with 13 bytes or more after it, so the last keys of a short
        // document take the slow one; a copy with spaces after it (whitespace JSON allows) keeps every key fast.
        byte[] padded = PADDED.get();
        System.arraycopy(json, from, padded, 0, n);
        java.util.Arrays.fill(padded, n, n + PADDING, (byte) ' ');
        try (JsonParser p = JSON.createParser(padded, 0, n + PADDING)) {
            return whole(p);
        }
    }

    /** The longest document parsed from a padded copy; a longer one is parsed where it is. */
    private static final int PADDED_MAX = 16 * 1024;
    private static final int PADDING = 16;
    private static final ThreadLocal<byte[]> PADDED = ThreadLocal.withInitial(() -> new byte[PADDED_MAX + PADDING]);

    /**
     * Parses any JSON value (an object, an array, a string, a number, true, false or null) from text.
     *
     * @throws IOException if {@code text} is not exactly one JSON value
     */
    public static Object parseValue(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            return whole(p);
        }
    }

    private static Object whole(JsonParser p) throws IOException {
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

    /**
     * Writes {@code fields} as a JSON object into {@code out} (cleared first), by hand: the one JSON writer on the
     * filter chain's hot path, cheaper than a generator per event. Strings are escaped as RFC 8259 requires and
     * written as UTF-8 (a lone surrogate as U+FFFD); NaN and infinities, which JSON lacks, as null; anything that
     * is no JSON value as its text. Nesting past {@link #MAX_DEPTH} (only a filter can build it) is written as a
     * string saying so, not recursed into.
     */
    public static void write(Map<String, Object> fields, ByteSink out) {
        out.reset();
        value(out, fields, 0);
    }

    static void value(ByteSink out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            string(out, "(deeper than " + MAX_DEPTH + ")");
        } else if (v == null) {
            ascii(out, "null");
        } else if (v instanceof String s) { // the final classes first: each is one cheap check
            string(out, s);
        } else if (v instanceof Long x) {
            integer(out, x);
        } else if (v instanceof Boolean b) {
            ascii(out, b ? "true" : "false");
        } else if (v instanceof FieldMap m) {
            m.write(out, depth);
        } else if (v instanceof Map<?, ?> m) {
            entries(out, m, depth);
        } else if (v instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                value(out, l.get(i), depth + 1);
            }
            out.write(']');
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            integer(out, ((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            ascii(out, Double.isNaN(d) || Double.isInfinite(d) ? "null" : Double.toString(d));
        } else if (v instanceof BigInteger || v instanceof BigDecimal) {
            ascii(out, v.toString());
        } else {
            string(out, v.toString());
        }
    }

    /** Any map as a JSON object, at nesting {@code depth}. */
    static void entries(ByteSink out, Map<?, ?> m, int depth) {
        out.write('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            Object key = e.getKey();
            string(out, key instanceof String k ? k : String.valueOf(key));
            out.write(':');
            value(out, e.getValue(), depth + 1);
        }
        out.write('}');
    }

    private static void ascii(ByteSink out, String s) {
        int n = s.length();
        out.ensureWritable(n);
        byte[] b = out.array();
        int at = out.length();
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
        out.advance(n);
    }

    /** A long's decimal digits, written straight into the sink (no string made for it). */
    private static void integer(ByteSink out, long v) {
        if (v == Long.MIN_VALUE) {
            ascii(out, Long.toString(v));
            return;
        }
        out.ensureWritable(20); // a sign and the 19 digits of Long.MAX_VALUE
        byte[] b = out.array();
        int start = out.length();
        int at = start;
        long r = v;
        if (r < 0) {
            b[at++] = '-';
            r = -r;
        }
        int digits = 1;
        for (long limit = 10; digits < 19 && r >= limit; limit *= 10) {
            digits++;
        }
        int end = at + digits;
        at = end;
        if (r <= Integer.MAX_VALUE) {
            int q = (int) r; // what most numbers are: int division is the cheaper
            do {
                int next = q / 10;
                b[--at] = (byte) ('0' + q - next * 10);
                q = next;
            } while (q != 0);
        } else {
            do {
                long next = r / 10;
                b[--at] = (byte) ('0' + (int) (r - next * 10));
                r = next;
            } while (r != 0);
        }
        out.advance(end - start);
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Characters a string is written in runs of: room for a run's worst case is made at once. */
    private static final int RUN = 4096;

    /**
     * A JSON string. Its leading printable ASCII, what most strings are all of, goes straight into the sink's array
     * (room for it made once); the rest, from the first character that needs more, in runs of {@link #RUN}
     * characters with room for a run's worst case (six bytes a character, for an escaped control character).
     */
    static void string(ByteSink out, String s) {
        int n = s.length();
        out.ensureWritable(n + 2);
        byte[] b = out.array();
        int start = out.length();
        int at = start;
        b[at++] = '"';
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
        }
        if (i == n) {
            b[at++] = '"';
            out.advance(at - start);
            return;
        }
        out.advance(at - start);
        escaped(out, s, i);
        out.write('"');
    }

    /** The characters of {@code s} from {@code i}, escaped and encoded as UTF-8. */
    private static void escaped(ByteSink out, String s, int i) {
        int n = s.length();
        while (i < n) {
            int end = Math.min(n, i + RUN);
            out.ensureWritable(6 * (end - i) + 8); // + 8: a surrogate pair may end one past the run
            byte[] b = out.array();
            int start = out.length();
            int at = start;
            for (; i < end; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80) {
                    if (c == '"' || c == '\\') {
                        b[at++] = '\\';
                    }
                    b[at++] = (byte) c;
                } else if (c < 0x20) {
                    b[at++] = '\\';
                    switch (c) {
                        case '\n' -> b[at++] = 'n';
                        case '\r' -> b[at++] = 'r';
                        case '\t' -> b[at++] = 't';
                        default -> {
                            b[at++] = 'u';
                            b[at++] = '0';
                            b[at++] = '0';
                            b[at++] = HEX[c >> 4];
                            b[at++] = HEX[c & 0xF];
                        }
                    }
                } else if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | c >> 6);
                    b[at++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[at++] = (byte) (0xF0 | cp >> 18);
                    b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[at++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    char u = Character.isSurrogate(c) ? '\uFFFD' : c;
                    b[at++] = (byte) (0xE0 | u >> 12);
                    b[at++] = (byte) (0x80 | u >> 6 & 0x3F);
                    b[at++] = (byte) (0x80 | u & 0x3F);
                }
            }
            out.advance(at - start);
        }
    }
}
