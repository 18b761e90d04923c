package dev.gapless.agent.output.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.otlp.AnyValues;
import dev.gapless.agent.otlp.OtlpFields;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.common.v1.InstrumentationScope;
import dev.gapless.agent.otlp.proto.common.v1.KeyValue;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.resource.v1.Resource;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Frames;
import dev.gapless.contract.EnvelopeFields;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Envelopes ({@code codec: json_lines}) as OTLP log records, the otlp input's mapping read backwards. An event
 * becomes one record: message → body (a string), {@code event_time} → {@code time_unix_nano}, {@code received_at}
 * → {@code observed_time_unix_nano}, each member of {@code fields} → an attribute (objects as kvlists), and
 * {@code agent_id}, {@code seq}, {@code source}, {@code host} → the {@code gapless.*} attributes. A
 * {@code fields.otlp} object as the otlp input writes it goes back to its OTLP places (severity, trace and span ids,
 * flags, event name, the record's attributes, resource and scope), so a record crossing gapless keeps its shape;
 * one whose members do not read as the input writes them is sent as an ordinary attribute {@code otlp}. Records are
 * grouped by resource, then by scope, in seq order. Heartbeats and loss markers are not log records of the source:
 * they are left out (the batch's seq range is still delivered as a whole).
 */
final class EnvelopeMapper {

    private EnvelopeMapper() {
    }

    /**
     * @return the request; one without resource logs when the batch holds no event
     * @throws IllegalArgumentException a frame is not an envelope (damage, or a bug): the batch is rejected
     */
    static ExportLogsServiceRequest map(EncodedBatch batch) {
        Map<Resource, Map<InstrumentationScope, ScopeLogs.Builder>> groups = new LinkedHashMap<>();
        Frames frames = batch.frames();
        for (int i = 0; i < frames.count(); i++) {
            JsonNode e = dev.gapless.agent.codec.EnvelopeFields.parse(batch.bytes(), frames.start(i), frames.end(i));
            if (e == null || !e.isObject()) {
                throw new IllegalArgumentException("seq " + frames.seq(i) + " is not a JSON envelope");
            }
            if (!EnvelopeFields.KIND_EVENT.equals(e.path(EnvelopeFields.KIND).asText())) {
                continue;
            }
            JsonNode fields = e.path(EnvelopeFields.FIELDS);
            JsonNode otlp = fields.path(OtlpFields.OTLP);
            LogRecord.Builder r = LogRecord.newBuilder();
            Map<String, AnyValue> attributes = new LinkedHashMap<>();
            Resource resource = Resource.getDefaultInstance();
            InstrumentationScope scope = InstrumentationScope.getDefaultInstance();
            boolean otlpMapped = false;
            if (otlp.isObject()) {
                try {
                    LogRecord.Builder o = LogRecord.newBuilder();
                    Map<String, AnyValue> oa = new LinkedHashMap<>();
                    Resource res = resource(otlp);
                    InstrumentationScope sc = scope(otlp);
                    readOtlp(otlp, o, oa);
                    r.mergeFrom(o.build());
                    attributes.putAll(oa);
                    resource = res;
                    scope = sc;
                    otlpMapped = true;
                } catch (IllegalArgumentException notAsWritten) {
                    otlpMapped = false; // kept as an ordinary attribute below
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!(otlpMapped && f.getKey().equals(OtlpFields.OTLP))) {
                    attributes.put(f.getKey(), AnyValues.of(f.getValue()));
                }
            }
            attributes.put(OtlpFields.AGENT_ID_ATTRIBUTE, string(e.path(EnvelopeFields.AGENT_ID).asText()));
            attributes.put(OtlpFields.SEQ_ATTRIBUTE,
                    AnyValue.newBuilder().setIntValue(e.path(EnvelopeFields.SEQ).asLong()).build());
            attributes.put(OtlpFields.SOURCE_ATTRIBUTE, string(e.path(EnvelopeFields.SOURCE).asText()));
            attributes.put(OtlpFields.HOST_ATTRIBUTE, string(e.path(EnvelopeFields.HOST).asText()));
            r.setBody(string(e.path(EnvelopeFields.MESSAGE).asText()));
            long time = nanos(e.path(EnvelopeFields.EVENT_TIME).asText());
            if (time != 0) {
                r.setTimeUnixNano(time);
            }
            if (r.getObservedTimeUnixNano() == 0) {
                long received = nanos(e.path(EnvelopeFields.RECEIVED_AT).asText());
                if (received != 0) {
                    r.setObservedTimeUnixNano(received);
                }
            }
            for (Map.Entry<String, AnyValue> a : attributes.entrySet()) {
                r.addAttributes(KeyValue.newBuilder().setKey(a.getKey()).setValue(a.getValue()));
            }
            groups.computeIfAbsent(resource, k -> new LinkedHashMap<>())
                    .computeIfAbsent(scope, k -> ScopeLogs.newBuilder().setScope(k)).addLogRecords(r);
        }
        ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
        for (Map.Entry<Resource, Map<InstrumentationScope, ScopeLogs.Builder>> g : groups.entrySet()) {
            ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(g.getKey());
            for (ScopeLogs.Builder sl : g.getValue().values()) {
                rl.addScopeLogs(sl);
            }
            request.addResourceLogs(rl);
        }
        return request.build();
    }

    /** The record's own places from {@code fields.otlp}; IllegalArgumentException when one is not as written. */
    private static void readOtlp(JsonNode otlp, LogRecord.Builder r, Map<String, AnyValue> attributes) {
        JsonNode n = otlp.get(OtlpFields.SEVERITY_NUMBER);
        if (n != null) {
            r.setSeverityNumberValue((int) integer(n, OtlpFields.SEVERITY_NUMBER, 0, Integer.MAX_VALUE));
        }
        n = otlp.get(OtlpFields.SEVERITY_TEXT);
        if (n != null) {
            r.setSeverityText(text(n, OtlpFields.SEVERITY_TEXT));
        }
        n = otlp.get(OtlpFields.EVENT_NAME);
        if (n != null) {
            r.setEventName(text(n, OtlpFields.EVENT_NAME));
        }
        n = otlp.get(OtlpFields.ATTRIBUTES);
        if (n != null) {
            for (KeyValue kv : AnyValues.keyValues(object(n, OtlpFields.ATTRIBUTES))) {
                attributes.put(kv.getKey(), kv.getValue());
            }
        }
        n = otlp.get(OtlpFields.DROPPED_ATTRIBUTES_COUNT);
        if (n != null) {
            r.setDroppedAttributesCount((int) integer(n, OtlpFields.DROPPED_ATTRIBUTES_COUNT, 0, 0xFFFF_FFFFL));
        }
        n = otlp.get(OtlpFields.TRACE_ID);
        if (n != null) {
            r.setTraceId(AnyValues.unhex(text(n, OtlpFields.TRACE_ID), 16, OtlpFields.TRACE_ID));
        }
        n = otlp.get(OtlpFields.SPAN_ID);
        if (n != null) {
            r.setSpanId(AnyValues.unhex(text(n, OtlpFields.SPAN_ID), 8, OtlpFields.SPAN_ID));
        }
        n = otlp.get(OtlpFields.FLAGS);
        if (n != null) {
            r.setFlags((int) integer(n, OtlpFields.FLAGS, 0, 0xFFFF_FFFFL));
        }
        n = otlp.get(OtlpFields.OBSERVED_TIME_UNIX_NANO);
        if (n != null) {
            try {
                r.setObservedTimeUnixNano(Long.parseUnsignedLong(text(n, OtlpFields.OBSERVED_TIME_UNIX_NANO)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(OtlpFields.OBSERVED_TIME_UNIX_NANO + " is not a number", e);
            }
        }
    }

    private static Resource resource(JsonNode otlp) {
        JsonNode n = otlp.get(OtlpFields.RESOURCE);
        return n == null ? Resource.getDefaultInstance()
                : Resource.newBuilder().addAllAttributes(AnyValues.keyValues(object(n, OtlpFields.RESOURCE))).build();
    }

    private static InstrumentationScope scope(JsonNode otlp) {
        JsonNode n = otlp.get(OtlpFields.SCOPE);
        if (n == null) {
            return InstrumentationScope.getDefaultInstance();
        }
        object(n, OtlpFields.SCOPE);
        InstrumentationScope.Builder s = InstrumentationScope.newBuilder();
        if (n.has(OtlpFields.SCOPE_NAME)) {
            s.setName(text(n.get(OtlpFields.SCOPE_NAME), "scope.name"));
        }
        if (n.has(OtlpFields.SCOPE_VERSION)) {
            s.setVersion(text(n.get(OtlpFields.SCOPE_VERSION), "scope.version"));
        }
        if (n.has(OtlpFields.ATTRIBUTES)) {
            s.addAllAttributes(AnyValues.keyValues(object(n.get(OtlpFields.ATTRIBUTES), "scope.attributes")));
        }
        return s.build();
    }

    private static String text(JsonNode n, String what) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException(what + " is not a string");
        }
        return n.textValue();
    }

    private static JsonNode object(JsonNode n, String what) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(what + " is not an object");
        }
        return n;
    }

    private static long integer(JsonNode n, String what, long min, long max) {
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new IllegalArgumentException(what + " is not a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }

    private static AnyValue string(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    /** RFC 3339 as nanoseconds since the epoch; 0 (unknown) when absent or not a time OTLP can hold. */
    static long nanos(String rfc3339) {
        if (rfc3339.isEmpty()) {
            return 0;
        }
        try {
            Instant t = Instant.parse(rfc3339);
            return t.getEpochSecond() < 0 ? 0 : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L),
                    t.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            return 0;
        }
    }
}
