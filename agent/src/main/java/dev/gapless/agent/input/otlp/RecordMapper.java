package dev.gapless.agent.input.otlp;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.otlp.AnyValues;
import dev.gapless.agent.otlp.OtlpFields;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.common.v1.InstrumentationScope;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns the log records of one request into events of a batch: the body is the message (a string body as it is,
 * any other as JSON, none as empty), everything else goes under {@code fields.otlp} ({@link OtlpFields}), and
 * {@code time_unix_nano} (else {@code observed_time_unix_nano}) is the event time. A record whose message and
 * fields together pass {@code max_event_bytes} is left out and counted; the rest are added.
 * Per-connection state (reused buffers): one instance per request handler.
 */
final class RecordMapper {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final int maxEventBytes;
    private final Buffer message = new Buffer();
    private final Buffer fields = new Buffer();

    /** What one request's records came to. */
    record Mapped(int added, int refused, String firstRefusal) {
    }

    RecordMapper(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    Mapped map(ExportLogsServiceRequest request, MessageBatch batch) {
        batch.clear();
        int refused = 0;
        String firstRefusal = null;
        int r = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            int s = 0;
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                int l = 0;
                for (LogRecord lr : sl.getLogRecordsList()) {
                    message.reset();
                    fields.reset();
                    writeMessage(lr.getBody());
                    writeFields(rl.getResource(), sl.getScope(), lr);
                    if ((long) message.size() + fields.size() > maxEventBytes) {
                        if (refused++ == 0) {
                            firstRefusal = "resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + l + "] is "
                                    + (message.size() + fields.size())
                                    + " bytes with its fields, over max_event_bytes (" + maxEventBytes + ")";
                        }
                    } else {
                        batch.add(message.bytes(), 0, message.size(), 0);
                        batch.fieldsOfLast(fields.bytes(), 0, fields.size());
                        long time = lr.getTimeUnixNano() != 0 ? lr.getTimeUnixNano() : lr.getObservedTimeUnixNano();
                        if (time > 0) { // 0 is "unknown"; a negative one is a time past 2262, left to the receive time
                            batch.eventTimeOfLast(time);
                        }
                    }
                    l++;
                }
                s++;
            }
            r++;
        }
        return new Mapped(batch.size(), refused, firstRefusal);
    }

    private void writeMessage(AnyValue body) {
        if (body.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
            byte[] b = body.getStringValue().getBytes(StandardCharsets.UTF_8);
            message.write(b, 0, b.length);
            return;
        }
        if (body.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
            return;
        }
        try (JsonGenerator g = JSON.createGenerator(message, JsonEncoding.UTF8)) {
            AnyValues.write(g, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
    }

    private void writeFields(Resource resource, InstrumentationScope scope, LogRecord lr) {
        try (JsonGenerator g = JSON.createGenerator(fields, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart(OtlpFields.OTLP);
            if (lr.getSeverityNumberValue() != 0) {
                g.writeNumberField(OtlpFields.SEVERITY_NUMBER, lr.getSeverityNumberValue());
            }
            if (!lr.getSeverityText().isEmpty()) {
                g.writeStringField(OtlpFields.SEVERITY_TEXT, lr.getSeverityText());
            }
            if (!lr.getEventName().isEmpty()) {
                g.writeStringField(OtlpFields.EVENT_NAME, lr.getEventName());
            }
            if (lr.getAttributesCount() > 0) {
                g.writeFieldName(OtlpFields.ATTRIBUTES);
                AnyValues.writeObject(g, lr.getAttributesList());
            }
            if (lr.getDroppedAttributesCount() != 0) {
                g.writeNumberField(OtlpFields.DROPPED_ATTRIBUTES_COUNT, lr.getDroppedAttributesCount());
            }
            if (resource.getAttributesCount() > 0) {
                g.writeFieldName(OtlpFields.RESOURCE);
                AnyValues.writeObject(g, resource.getAttributesList());
            }
            if (!scope.getName().isEmpty() || !scope.getVersion().isEmpty() || scope.getAttributesCount() > 0) {
                g.writeObjectFieldStart(OtlpFields.SCOPE);
                if (!scope.getName().isEmpty()) {
                    g.writeStringField(OtlpFields.SCOPE_NAME, scope.getName());
                }
                if (!scope.getVersion().isEmpty()) {
                    g.writeStringField(OtlpFields.SCOPE_VERSION, scope.getVersion());
                }
                if (scope.getAttributesCount() > 0) {
                    g.writeFieldName(OtlpFields.ATTRIBUTES);
                    AnyValues.writeObject(g, scope.getAttributesList());
                }
                g.writeEndObject();
            }
            if (!lr.getTraceId().isEmpty()) {
                g.writeStringField(OtlpFields.TRACE_ID, AnyValues.hex(lr.getTraceId()));
            }
            if (!lr.getSpanId().isEmpty()) {
                g.writeStringField(OtlpFields.SPAN_ID, AnyValues.hex(lr.getSpanId()));
            }
            if (lr.getFlags() != 0) {
                g.writeNumberField(OtlpFields.FLAGS, Integer.toUnsignedLong(lr.getFlags()));
            }
            if (lr.getObservedTimeUnixNano() != 0) {
                g.writeStringField(OtlpFields.OBSERVED_TIME_UNIX_NANO,
                        Long.toUnsignedString(lr.getObservedTimeUnixNano()));
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
    }

    /** A reusable byte buffer whose array is read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
