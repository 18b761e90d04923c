package dev.gapless.agent.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.JournalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * {@code codec: json_lines}: envelope version 1, one JSON object a line (fields in docs/architecture.md).
 * Invalid UTF-8 in a message becomes U+FFFD; the event keeps its {@code invalid_utf8} tag.
 */
public final class EnvelopeEncoder implements Encoder {

    /** The envelope version written in {@code v}. */
    public static final int VERSION = 1;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final String agentId;
    private final String host;
    private final LongSupplier durableHead;
    // Boot ids repeat for long runs of records: format each once.
    private long lastBootMsb;
    private long lastBootLsb;
    private String lastBoot;

    /**
     * @param durableHead the journal's durable head, written into each heartbeat as it is encoded: a
     *                    heartbeat delivered late then says how far the journal had got, which lets an
     *                    auditor see a missing tail
     */
    public EnvelopeEncoder(UUID agentId, String host, LongSupplier durableHead) {
        this.agentId = agentId.toString();
        this.host = host;
        this.durableHead = durableHead;
    }

    @Override
    public void encode(JournalRecord r, ByteSink out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("kind", r.kind().wireName());
            g.writeStringField("agent_id", agentId);
            g.writeStringField("boot_id", boot(r));
            g.writeNumberField("seq", r.seq());
            g.writeStringField("host", host);
            g.writeStringField("source", r.source());
            g.writeStringField("received_at", Rfc3339.format(r.receivedAtNanos()));
            g.writeStringField("event_time", Rfc3339.format(r.eventTimeNanos()));
            g.writeStringField("message", new String(r.message(), StandardCharsets.UTF_8));
            if (r.kind() == RecordKind.EVENT) {
                g.writeFieldName("fields");
                rawObject(g, r.extra());
            } else if (r.kind() == RecordKind.HEARTBEAT) {
                g.writeFieldName("fields");
                g.writeRawValue("{}");
                g.writeFieldName("heartbeat");
                heartbeat(g, r);
            } else {
                g.writeFieldName("fields");
                g.writeRawValue("{}");
                g.writeFieldName(r.kind().wireName());
                rawObject(g, r.extra());
            }
            g.writeArrayFieldStart("tags");
            for (String t : Tags.names(r.tags())) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
    }

    /** {@code {"head_seq": max(own seq, durable head now), <the body the agent wrote>}}. */
    private void heartbeat(JsonGenerator g, JournalRecord r) throws IOException {
        String body = new String(r.extra(), StandardCharsets.UTF_8).trim();
        long head = Math.max(r.seq(), durableHead.getAsLong());
        String rest = body.length() > 2 && body.startsWith("{") ? "," + body.substring(1) : "}";
        g.writeRawValue("{\"head_seq\":" + head + rest);
    }

    private static void rawObject(JsonGenerator g, byte[] json) throws IOException {
        g.writeRawValue(json.length == 0 ? "{}" : new String(json, StandardCharsets.UTF_8));
    }

    private String boot(JournalRecord r) {
        if (lastBoot == null || r.bootIdMsb() != lastBootMsb || r.bootIdLsb() != lastBootLsb) {
            lastBootMsb = r.bootIdMsb();
            lastBootLsb = r.bootIdLsb();
            lastBoot = new UUID(lastBootMsb, lastBootLsb).toString();
        }
        return lastBoot;
    }
}
