package dev.gapless.agent.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.common.v1.ArrayValue;
import dev.gapless.agent.otlp.proto.common.v1.KeyValue;
import dev.gapless.agent.otlp.proto.common.v1.KeyValueList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * OTLP values as plain JSON and back: a string, bool, int or double as itself, an array as an array, a key-value
 * list (and a record's attributes) as an object, bytes as a base64 string, an empty value as null. JSON numbers come
 * back as int when integral and within 64 bits, else double; so a round trip keeps every value but the bytes/string
 * distinction.
 */
public final class AnyValues {

    private static final HexFormat HEX = HexFormat.of();

    private AnyValues() {
    }

    /** Writes {@code v} as a JSON value. */
    public static void write(JsonGenerator g, AnyValue v) throws IOException {
        switch (v.getValueCase()) {
            case STRING_VALUE -> g.writeString(v.getStringValue());
            case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
            case INT_VALUE -> g.writeNumber(v.getIntValue());
            case DOUBLE_VALUE -> writeDouble(g, v.getDoubleValue());
            case BYTES_VALUE -> g.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                g.writeStartArray();
                for (AnyValue e : v.getArrayValue().getValuesList()) {
                    write(g, e);
                }
                g.writeEndArray();
            }
            case KVLIST_VALUE -> writeObject(g, v.getKvlistValue().getValuesList());
            default -> g.writeNull();
        }
    }

    /** Writes key-value pairs as a JSON object (a repeated key: the last one wins when read back). */
    public static void writeObject(JsonGenerator g, List<KeyValue> kvs) throws IOException {
        g.writeStartObject();
        for (KeyValue kv : kvs) {
            g.writeFieldName(kv.getKey());
            write(g, kv.getValue());
        }
        g.writeEndObject();
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d)); // JSON has no NaN or Infinity
        }
    }

    /** A JSON value as an OTLP value. */
    public static AnyValue of(JsonNode n) {
        AnyValue.Builder b = AnyValue.newBuilder();
        if (n == null || n.isNull() || n.isMissingNode()) {
            return b.build();
        }
        if (n.isTextual()) {
            return b.setStringValue(n.textValue()).build();
        }
        if (n.isBoolean()) {
            return b.setBoolValue(n.booleanValue()).build();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return b.setIntValue(n.longValue()).build();
        }
        if (n.isNumber()) {
            return b.setDoubleValue(n.doubleValue()).build();
        }
        if (n.isArray()) {
            ArrayValue.Builder a = ArrayValue.newBuilder();
            for (JsonNode e : n) {
                a.addValues(of(e));
            }
            return b.setArrayValue(a).build();
        }
        return b.setKvlistValue(KeyValueList.newBuilder().addAllValues(keyValues(n))).build();
    }

    /** A JSON object's members as key-value pairs, in order (none for anything but an object). */
    public static List<KeyValue> keyValues(JsonNode object) {
        if (object == null || !object.isObject()) {
            return List.of();
        }
        ArrayList<KeyValue> out = new ArrayList<>(object.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(KeyValue.newBuilder().setKey(e.getKey()).setValue(of(e.getValue())).build());
        }
        return out;
    }

    public static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    public static KeyValue attribute(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    /** Lower-case hex of a trace or span id, as OTLP/JSON writes them. */
    public static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    /**
     * @throws IllegalArgumentException not hex of {@code bytes} bytes
     */
    public static ByteString unhex(String s, int bytes, String what) {
        if (s.length() != bytes * 2) {
            throw new IllegalArgumentException(what + " must be " + bytes * 2 + " hex digits, got '" + s + "'");
        }
        try {
            return ByteString.copyFrom(HEX.parseHex(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be hex, got '" + s + "'", e);
        }
    }
}
