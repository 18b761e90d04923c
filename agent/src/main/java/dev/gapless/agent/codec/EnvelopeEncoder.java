package dev.gapless.agent.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.contract.EnvelopeFields;
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
    public static final int VERSION = EnvelopeFields.VERSION;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final String agentId;
    private final String host;
    private final LongSupplier durableHead;
    // Only the owning output worker: one generator for the encoder's life, writing through a stream whose target
    // is the ByteSink of the record being encoded (a worker alternates two of them).
    private final Redirect target = new Redirect();
    private JsonGenerator generator;
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
        JsonGenerator g = generator(out);
        try {
            g.writeStartObject();
            g.writeNumberField(EnvelopeFields.V, VERSION);
            g.writeStringField(EnvelopeFields.KIND, r.kind().wireName());
            g.writeStringField(EnvelopeFields.AGENT_ID, agentId);
            g.writeStringField(EnvelopeFields.BOOT_ID, boot(r));
            g.writeNumberField(EnvelopeFields.SEQ, r.seq());
            g.writeStringField(EnvelopeFields.HOST, host);
            g.writeStringField(EnvelopeFields.SOURCE, r.source());
            String received = Rfc3339.format(r.receivedAtNanos());
            g.writeStringField(EnvelopeFields.RECEIVED_AT, received);
            g.writeStringField(EnvelopeFields.EVENT_TIME, r.eventTimeNanos() == r.receivedAtNanos() ? received
                    : Rfc3339.format(r.eventTimeNanos()));
            g.writeFieldName(EnvelopeFields.MESSAGE);
            if ((r.tags() & Tags.INVALID_UTF8) == 0) {
                // checked by the input: no decoding needed
                g.writeUTF8String(r.data(), r.messageOffset(), r.messageLength());
            } else { // bad bytes become U+FFFD
                g.writeString(new String(r.data(), r.messageOffset(), r.messageLength(), StandardCharsets.UTF_8));
            }
            if (r.kind() == RecordKind.EVENT) {
                g.writeFieldName(EnvelopeFields.FIELDS);
                rawObject(g, r);
            } else if (r.kind() == RecordKind.HEARTBEAT) {
                g.writeFieldName(EnvelopeFields.FIELDS);
                g.writeRawValue("{}");
                g.writeFieldName(EnvelopeFields.HEARTBEAT);
                heartbeat(g, r);
            } else {
                g.writeFieldName(EnvelopeFields.FIELDS);
                g.writeRawValue("{}");
                g.writeFieldName(r.kind().wireName());
                rawObject(g, r);
            }
            g.writeArrayFieldStart(EnvelopeFields.TAGS);
            if (r.tags() != 0) { // most events have none: no list made for them
                for (String t : Tags.names(r.tags())) {
                    g.writeString(t);
                }
            }
            for (String t : r.freeTags()) { // after the built-in ones; the shared empty list for a v1 record
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        } catch (IOException | RuntimeException e) {
            generator = null; // the generator is mid-object: never reuse it
            throw e;
        }
        out.write('\n');
    }

    /**
     * {@code {"v":1,"kind":"skipped","agent_id","boot_id","seq":<to_seq>,"host","source":"_agent","received_at",
     * "skipped":{"from_seq","to_seq","count"},"tags":[]}}: the seq range only, no message, event time or fields.
     */
    @Override
    public void encodeSkipped(SkippedRun run, ByteSink out) throws IOException {
        JsonGenerator g = generator(out);
        try {
            g.writeStartObject();
            g.writeNumberField(EnvelopeFields.V, VERSION);
            g.writeStringField(EnvelopeFields.KIND, EnvelopeFields.KIND_SKIPPED);
            g.writeStringField(EnvelopeFields.AGENT_ID, agentId);
            g.writeStringField(EnvelopeFields.BOOT_ID, boot(run.bootIdMsb(), run.bootIdLsb()));
            g.writeNumberField(EnvelopeFields.SEQ, run.toSeq());
            g.writeStringField(EnvelopeFields.HOST, host);
            g.writeStringField(EnvelopeFields.SOURCE, EnvelopeFields.AGENT_SOURCE);
            g.writeStringField(EnvelopeFields.RECEIVED_AT, Rfc3339.format(run.receivedAtNanos()));
            g.writeObjectFieldStart(EnvelopeFields.SKIPPED);
            g.writeNumberField(EnvelopeFields.FROM_SEQ, run.fromSeq());
            g.writeNumberField(EnvelopeFields.TO_SEQ, run.toSeq());
            g.writeNumberField(EnvelopeFields.COUNT, run.count());
            g.writeEndObject();
            g.writeArrayFieldStart(EnvelopeFields.TAGS);
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        } catch (IOException | RuntimeException e) {
            generator = null; // the generator is mid-object: never reuse it
            throw e;
        }
        out.write('\n');
    }

    /** The one generator, now writing into {@code out} (it holds nothing between records: each ends with a flush). */
    private JsonGenerator generator(ByteSink out) throws IOException {
        target.sink = out;
        if (generator == null) {
            generator = JSON.createGenerator(target, JsonEncoding.UTF8);
            generator.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            generator.setRootValueSeparator(null); // records are separated by our newline alone
        }
        return generator;
    }

    /** Forwards the generator's flushed bytes to the current record's sink. */
    private static final class Redirect extends java.io.OutputStream {
        ByteSink sink;

        @Override
        public void write(int b) {
            sink.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sink.write(b, off, len);
        }
    }

    /** {@code {"head_seq": max(own seq, durable head now), <the body the agent wrote>}}. */
    private void heartbeat(JsonGenerator g, JournalRecord r) throws IOException {
        String body = new String(r.data(), r.extraOffset(), r.extraLength(), StandardCharsets.UTF_8).trim();
        long head = Math.max(r.seq(), durableHead.getAsLong());
        String rest = body.length() > 2 && body.startsWith("{") ? "," + body.substring(1) : "}";
        g.writeRawValue("{\"" + EnvelopeFields.HEAD_SEQ + "\":" + head + rest);
    }

    private static void rawObject(JsonGenerator g, JournalRecord r) throws IOException {
        g.writeRawValue(r.extraLength() == 0 ? "{}"
                : new String(r.data(), r.extraOffset(), r.extraLength(), StandardCharsets.UTF_8));
    }

    private String boot(JournalRecord r) {
        return boot(r.bootIdMsb(), r.bootIdLsb());
    }

    private String boot(long msb, long lsb) {
        if (lastBoot == null || msb != lastBootMsb || lsb != lastBootLsb) {
            lastBootMsb = msb;
            lastBootLsb = lsb;
            lastBoot = new UUID(lastBootMsb, lastBootLsb).toString();
        }
        return lastBoot;
    }
}
