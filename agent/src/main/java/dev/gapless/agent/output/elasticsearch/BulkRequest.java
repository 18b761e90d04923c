package dev.gapless.agent.output.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Frames;
import dev.gapless.config.output.elasticsearch.IndexPattern;
import dev.gapless.contract.EnvelopeFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The NDJSON body of one {@code _bulk} request: for each chosen frame of a batch, a {@code create} action line
 * naming the event's index and its {@code _id} ({@code <agent_id>:<seq>}), then the frame's envelope as the
 * document; the body ends with a newline, as the bulk API requires. The index comes from the envelope's
 * {@code event_time} (the source's time, or the receive time when it gave none), else its {@code received_at}, else
 * the time the request is built; so a batch sent again on another day goes to the same index and its {@code create}s
 * meet the documents stored before.
 */
final class BulkRequest {

    private static final JsonFactory JSON = new JsonFactory();

    /** The frames (indexes into the batch's {@link Frames}) this request carries, in order: item i is frame at(i). */
    private final int[] frames;
    private final byte[] body;

    private BulkRequest(int[] frames, byte[] body) {
        this.frames = frames;
        this.body = body;
    }

    /** The bulk body for frames {@code chosen} of the batch, gzipped or not. */
    static BulkRequest of(EncodedBatch batch, int[] chosen, UUID agentId, IndexPattern index, Instant now,
            boolean gzip) {
        Frames f = batch.frames();
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.length() + chosen.length * 96);
        String agent = agentId.toString();
        try {
            for (int i : chosen) {
                int start = f.start(i);
                int end = f.end(i);
                String name = index.dated() ? index.format(timeOf(batch.bytes(), start, end, now)) : index.toString();
                try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("create");
                    g.writeStringField("_index", name);
                    g.writeStringField("_id", documentId(agent, f.seq(i)));
                    g.writeEndObject();
                    g.writeEndObject();
                }
                out.write('\n');
                int len = end - start;
                while (len > 0 && (batch.bytes()[start + len - 1] == '\n' || batch.bytes()[start + len - 1] == '\r')) {
                    len--;
                }
                out.write(batch.bytes(), start, len);
                out.write('\n');
            }
            byte[] plain = out.toByteArray();
            return new BulkRequest(chosen, gzip ? gzip(plain) : plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    /** Every frame of the batch. */
    static int[] all(EncodedBatch batch) {
        int[] all = new int[batch.frames().count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /** The document id of an event: unique per agent and seq, the same at every try. */
    static String documentId(String agentId, long seq) {
        return agentId + ":" + seq;
    }

    int items() {
        return frames.length;
    }

    /** The batch frame that item {@code i} carries. */
    int frame(int i) {
        return frames[i];
    }

    byte[] body() {
        return body;
    }

    /** The envelope's event time, else its receive time, else {@code now}; only top-level fields are looked at. */
    static Instant timeOf(byte[] bytes, int start, int end, Instant now) {
        Instant received = null;
        try (JsonParser p = JSON.createParser(bytes, start, end - start)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return now;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && EnvelopeFields.EVENT_TIME.equals(field)) {
                    Instant at = parse(p.getText());
                    if (at != null) {
                        return at;
                    }
                } else if (v == JsonToken.VALUE_STRING && EnvelopeFields.RECEIVED_AT.equals(field)) {
                    received = parse(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // not a JSON object: the time of the request names the index (the cluster will refuse the document)
        }
        return received != null ? received : now;
    }

    private static Instant parse(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED); // bulk bodies are repetitive: the fastest level gains most of it
            }
        }) {
            z.write(plain);
        }
        return out.toByteArray();
    }
}
