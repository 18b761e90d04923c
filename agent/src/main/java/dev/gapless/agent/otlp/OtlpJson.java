package dev.gapless.agent.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.common.v1.ArrayValue;
import dev.gapless.agent.otlp.proto.common.v1.InstrumentationScope;
import dev.gapless.agent.otlp.proto.common.v1.KeyValue;
import dev.gapless.agent.otlp.proto.common.v1.KeyValueList;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.logs.v1.SeverityNumber;
import dev.gapless.agent.otlp.proto.resource.v1.Resource;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OTLP/JSON logs requests (the OTLP specification's JSON encoding of {@code ExportLogsServiceRequest}), read by hand
 * because protobuf's own JSON mapping differs from it: trace and span ids are hex, not base64; enums are integers
 * (a name is accepted too); 64-bit integers come as strings or numbers; keys are lowerCamelCase (the proto field
 * names are accepted too). Unknown keys are ignored, as the specification asks of receivers. Nesting is bounded by
 * Jackson's default depth limit (1000), so a hostile body cannot exhaust the stack; the path named in an error is
 * built only for the error, so a deeply nested body costs no string per value.
 */
public final class OtlpJson {

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build()).build());

    private OtlpJson() {
    }

    /** A body that is not an OTLP/JSON logs request; the message says where. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static ExportLogsServiceRequest parse(byte[] body, int length) throws Malformed {
        JsonNode root;
        try {
            root = MAPPER.readTree(body, 0, length);
        } catch (JsonProcessingException e) {
            throw new Malformed("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Malformed("invalid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("the body must be a JSON object (an ExportLogsServiceRequest)");
        }
        ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
        Where where = Where.ROOT.at("resourceLogs");
        try {
            int r = 0;
            for (JsonNode rl : array(root, "resourceLogs", "resource_logs")) {
                where = Where.ROOT.at("resourceLogs", r++);
                request.addResourceLogs(resourceLogs(rl, where));
            }
        } catch (IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
        return request.build();
    }

    private static ResourceLogs resourceLogs(JsonNode n, Where where) {
        object(n, where);
        ResourceLogs.Builder b = ResourceLogs.newBuilder();
        JsonNode res = field(n, "resource", "resource");
        if (res != null) {
            object(res, where.at("resource"));
            b.setResource(Resource.newBuilder()
                    .addAllAttributes(keyValues(res, where.at("resource")))
                    .setDroppedAttributesCount((int) integer(res, where.at("resource"), "droppedAttributesCount",
                            "dropped_attributes_count")));
        }
        b.setSchemaUrl(string(n, where, "schemaUrl", "schema_url"));
        int s = 0;
        for (JsonNode sl : array(n, "scopeLogs", "scope_logs")) {
            Where at = where.at("scopeLogs", s++);
            object(sl, at);
            ScopeLogs.Builder sb = ScopeLogs.newBuilder();
            JsonNode scope = field(sl, "scope", "scope");
            if (scope != null) {
                object(scope, at.at("scope"));
                sb.setScope(InstrumentationScope.newBuilder()
                        .setName(string(scope, at.at("scope"), "name", "name"))
                        .setVersion(string(scope, at.at("scope"), "version", "version"))
                        .addAllAttributes(keyValues(scope, at.at("scope"))));
            }
            sb.setSchemaUrl(string(sl, at, "schemaUrl", "schema_url"));
            int l = 0;
            for (JsonNode lr : array(sl, "logRecords", "log_records")) {
                sb.addLogRecords(logRecord(lr, at.at("logRecords", l++)));
            }
            b.addScopeLogs(sb);
        }
        return b.build();
    }

    private static LogRecord logRecord(JsonNode n, Where where) {
        object(n, where);
        LogRecord.Builder b = LogRecord.newBuilder()
                .setTimeUnixNano(integer(n, where, "timeUnixNano", "time_unix_nano"))
                .setObservedTimeUnixNano(integer(n, where, "observedTimeUnixNano", "observed_time_unix_nano"))
                .setSeverityNumberValue(severity(n, where))
                .setSeverityText(string(n, where, "severityText", "severity_text"))
                .addAllAttributes(keyValues(n, where))
                .setDroppedAttributesCount((int) integer(n, where, "droppedAttributesCount",
                        "dropped_attributes_count"))
                .setFlags((int) integer(n, where, "flags", "flags"))
                .setEventName(string(n, where, "eventName", "event_name"));
        JsonNode body = field(n, "body", "body");
        if (body != null) {
            b.setBody(anyValue(body, where.at("body")));
        }
        String trace = string(n, where, "traceId", "trace_id");
        if (!trace.isEmpty()) {
            b.setTraceId(AnyValues.unhex(trace, 16, where.at("traceId").toString()));
        }
        String span = string(n, where, "spanId", "span_id");
        if (!span.isEmpty()) {
            b.setSpanId(AnyValues.unhex(span, 8, where.at("spanId").toString()));
        }
        return b.build();
    }

    private static int severity(JsonNode n, Where where) {
        JsonNode v = field(n, "severityNumber", "severity_number");
        if (v == null) {
            return 0;
        }
        if (v.isTextual() && v.textValue().startsWith("SEVERITY_NUMBER_")) {
            try {
                return SeverityNumber.valueOf(v.textValue()).getNumber();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".severityNumber: unknown '" + v.textValue() + "'");
            }
        }
        long s = integer(n, where, "severityNumber", "severity_number");
        if (s < 0 || s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ".severityNumber must be an enum value, got " + s);
        }
        return (int) s;
    }

    private static Iterable<KeyValue> keyValues(JsonNode n, Where where) {
        JsonNode attrs = field(n, "attributes", "attributes");
        if (attrs == null) {
            return List.of();
        }
        if (!attrs.isArray()) {
            throw new IllegalArgumentException(where + ".attributes must be an array of {key, value}");
        }
        return keyValueList(attrs, where.at("attributes"));
    }

    private static List<KeyValue> keyValueList(JsonNode array, Where where) {
        List<KeyValue> out = new ArrayList<>(array.size());
        int i = 0;
        for (JsonNode kv : array) {
            Where at = where.at(i++);
            object(kv, at);
            KeyValue.Builder b = KeyValue.newBuilder().setKey(string(kv, at, "key", "key"));
            JsonNode v = field(kv, "value", "value");
            if (v != null) {
                b.setValue(anyValue(v, at.at("value")));
            }
            out.add(b.build());
        }
        return out;
    }

    private static AnyValue anyValue(JsonNode n, Where where) {
        object(n, where);
        AnyValue.Builder b = AnyValue.newBuilder();
        JsonNode v;
        if ((v = field(n, "stringValue", "string_value")) != null) {
            return b.setStringValue(text(v, where.at("stringValue"))).build();
        }
        if ((v = field(n, "boolValue", "bool_value")) != null) {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(where + ".boolValue must be true or false");
            }
            return b.setBoolValue(v.booleanValue()).build();
        }
        if (field(n, "intValue", "int_value") != null) {
            return b.setIntValue(integer(n, where, "intValue", "int_value")).build();
        }
        if ((v = field(n, "doubleValue", "double_value")) != null) {
            return b.setDoubleValue(real(v, where.at("doubleValue"))).build();
        }
        if ((v = field(n, "bytesValue", "bytes_value")) != null) {
            try {
                return b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(text(v,
                        where.at("bytesValue"))))).build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".bytesValue must be base64");
            }
        }
        if ((v = field(n, "arrayValue", "array_value")) != null) {
            object(v, where.at("arrayValue"));
            ArrayValue.Builder a = ArrayValue.newBuilder();
            int i = 0;
            for (JsonNode e : array(v, "values", "values")) {
                a.addValues(anyValue(e, where.at("arrayValue").at("values", i++)));
            }
            return b.setArrayValue(a).build();
        }
        if ((v = field(n, "kvlistValue", "kvlist_value")) != null) {
            object(v, where.at("kvlistValue"));
            JsonNode values = field(v, "values", "values");
            KeyValueList.Builder l = KeyValueList.newBuilder();
            if (values != null) {
                if (!values.isArray()) {
                    throw new IllegalArgumentException(where + ".kvlistValue.values must be an array");
                }
                l.addAllValues(keyValueList(values, where.at("kvlistValue").at("values")));
            }
            return b.setKvlistValue(l).build();
        }
        return b.build(); // an empty value
    }

    private static JsonNode field(JsonNode n, String camel, String snake) {
        JsonNode v = n.get(camel);
        if (v == null) {
            v = n.get(snake);
        }
        return v == null || v.isNull() ? null : v;
    }

    private static Iterable<JsonNode> array(JsonNode n, String camel, String snake) {
        JsonNode v = field(n, camel, snake);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(camel + " must be an array");
        }
        return v;
    }

    private static void object(JsonNode n, Where where) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
    }

    private static String string(JsonNode n, Where where, String camel, String snake) {
        JsonNode v = field(n, camel, snake);
        return v == null ? "" : text(v, where.at(camel));
    }

    private static String text(JsonNode v, Where where) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + " must be a string");
        }
        return v.textValue();
    }

    /** A 64-bit integer: a JSON number or a decimal string (proto3 JSON writes int64 as strings). */
    private static long integer(JsonNode n, Where where, String camel, String snake) {
        JsonNode v = field(n, camel, snake);
        if (v == null) {
            return 0;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue());
            } catch (NumberFormatException e) {
                // fixed64 times past 2^63 stay as their bits, as protobuf keeps them: tried next
            }
            try {
                return Long.parseUnsignedLong(v.textValue());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException(where + "." + camel + " must be an integer, got " + v);
    }

    private static double real(JsonNode v, Where where) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(v.textValue());
                    } catch (NumberFormatException e) {
                        // below
                    }
            }
        }
        throw new IllegalArgumentException(where + " must be a number");
    }

    /**
     * Where a value is in the body, as {@code resourceLogs[0].scopeLogs[2].logRecords[5].body}: a link to its parent,
     * turned into text only when an error names it.
     */
    private static final class Where {
        static final Where ROOT = new Where(null, null, -1);

        private final Where parent;
        private final String name;
        private final int index;

        private Where(Where parent, String name, int index) {
            this.parent = parent;
            this.name = name;
            this.index = index;
        }

        Where at(String key) {
            return new Where(this, key, -1);
        }

        Where at(String key, int i) {
            return new Where(this, key, i);
        }

        Where at(int i) {
            return new Where(this, null, i);
        }

        @Override
        public String toString() {
            ArrayDeque<Where> path = new ArrayDeque<>();
            for (Where w = this; w != ROOT; w = w.parent) {
                path.push(w); // no recursion: a path may be 1000 deep
            }
            StringBuilder sb = new StringBuilder();
            for (Where w : path) {
                if (w.name != null) {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(w.name);
                }
                if (w.index >= 0) {
                    sb.append('[').append(w.index).append(']');
                }
            }
            return sb.toString();
        }
    }
}
