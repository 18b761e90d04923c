package dev.gapless.agent.output.splunkhec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.EnvelopeFrame;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import dev.gapless.contract.EnvelopeFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Turns a batch into one HEC {@code /services/collector/event} body: one JSON object per record, concatenated,
 * {@code {"time": <epoch seconds, ms>, "host", "source", "sourcetype", "index"?, "event", "fields": {agent_id, seq,
 * kind}}}. {@code time} is the event's own time; {@code host} and {@code source} are the envelope's (the agent's
 * host, the input's id); the indexed {@code fields} are strings, as HEC requires, and name the record so that an
 * auditor finds each seq once (HEC keeps no key of its own: a batch sent again after a lost ackId is indexed again).
 */
final class HecEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private final SplunkHecOutputConfig config;

    HecEvents(SplunkHecOutputConfig config) {
        this.config = config;
    }

    /**
     * @throws IllegalArgumentException naming a record that is not an envelope: the batch is rejected
     */
    byte[] body(EncodedBatch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.length() + batch.frames().count() * 160);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            for (int i = 0; i < batch.frames().count(); i++) {
                EnvelopeFrame e = EnvelopeFrame.read(batch, i);
                g.writeStartObject();
                g.writeNumberField("time", BigDecimal.valueOf(e.eventTime().toEpochMilli(), 3));
                g.writeStringField("host", e.text(EnvelopeFields.HOST, ""));
                g.writeStringField("source", e.text(EnvelopeFields.SOURCE, ""));
                g.writeStringField("sourcetype", config.sourcetype());
                if (config.index().isPresent()) {
                    g.writeStringField("index", config.index().get());
                }
                g.writeFieldName("event");
                if (config.eventFormat() == SplunkHecOutputConfig.EventFormat.MESSAGE && e.isEvent()) {
                    g.writeString(e.text(EnvelopeFields.MESSAGE, ""));
                } else {
                    MAPPER.writeTree(g, e.node());
                }
                g.writeObjectFieldStart("fields");
                g.writeStringField(EnvelopeFields.AGENT_ID, e.text(EnvelopeFields.AGENT_ID, ""));
                g.writeStringField(EnvelopeFields.SEQ, Long.toString(e.seq()));
                g.writeStringField(EnvelopeFields.KIND, e.kind());
                g.writeEndObject();
                g.writeEndObject();
                g.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: cannot happen
        }
        return out.toByteArray();
    }
}
