package dev.gapless.agent.input.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.otlp.OtlpJson;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import java.io.IOException;

/**
 * Fuzz targets of the otlp input's decoding: a request body, OTLP/JSON or protobuf, through {@link OtlpJson} or
 * protobuf-java and then {@link RecordMapper}, as {@link RequestHandler} runs them. A plain build replays the corpus in
 * {@code src/test/resources/dev/gapless/agent/input/otlp/OtlpFuzzTestInputs/<method>/} (bodies the OpenTelemetry
 * JavaScript exporter (JSON) and Java SDK exporter (protobuf) sent, and what fuzzing found); {@code JAZZER_FUZZ=1}
 * fuzzes the first target. What must hold for any bytes: the body is refused with the decoder's own error or
 * decoded, and every decoded record is either one event, its fields one JSON object under {@code otlp} within
 * {@code max_event_bytes} with its message, or counted as refused.
 */
class OtlpFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENT = 1024;

    @FuzzTest
    void anyJsonBodyDecodesIntoBoundedEventsOrIsRefusedAsMalformed(byte[] body) throws IOException {
        ExportLogsServiceRequest request;
        try {
            request = OtlpJson.parse(body, body.length);
        } catch (OtlpJson.Malformed e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        mapsEveryRecord(request);
    }

    @FuzzTest
    void anyProtobufBodyDecodesIntoBoundedEventsOrIsRefusedAsInvalid(byte[] body) throws IOException {
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        mapsEveryRecord(request);
    }

    private static void mapsEveryRecord(ExportLogsServiceRequest request) throws IOException {
        int records = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                records += sl.getLogRecordsCount();
            }
        }
        MessageBatch batch = new MessageBatch(256);
        RecordMapper.Mapped mapped = new RecordMapper(MAX_EVENT).map(request, batch);
        assertThat(mapped.added() + mapped.refused()).as("each record an event or refused").isEqualTo(records);
        assertThat(batch.size()).isEqualTo(mapped.added());
        assertThat(mapped.refused() == 0 || mapped.firstRefusal().contains("max_event_bytes")).isTrue();
        for (int i = 0; i < batch.size(); i++) {
            assertThat(batch.length(i) + batch.fieldsLength(i)).isLessThanOrEqualTo(MAX_EVENT);
            JsonNode fields = JSON.readTree(batch.fieldsArray(), batch.fieldsOffset(i), batch.fieldsLength(i));
            assertThat(fields.get("otlp").isObject()).isTrue();
        }
    }
}
