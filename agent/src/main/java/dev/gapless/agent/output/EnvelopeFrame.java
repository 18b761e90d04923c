package dev.gapless.agent.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.contract.EnvelopeFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One record of a {@code json_lines} batch read back as its envelope, for sinks that map the envelope's fields onto
 * their destination's own event shape (Loki streams, Splunk HEC events) rather than send the bytes as they are.
 *
 * @param json       the envelope's own JSON text, without its newline
 * @param node       the parsed envelope
 * @param seq        the record's seq
 * @param kind       {@code event}, {@code heartbeat} or {@code loss}
 * @param receivedAt when the agent accepted the record
 * @param eventTime  the event's own time (the receive time when the source gave none)
 */
public record EnvelopeFrame(String json, JsonNode node, long seq, String kind, Instant receivedAt, Instant eventTime) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads frame {@code i} of the batch.
     *
     * @throws IllegalArgumentException naming the record when it is not an envelope (not JSON, no received_at):
     *                                  a batch holding it is rejected, and bisection isolates the record
     */
    public static EnvelopeFrame read(EncodedBatch batch, int i) {
        Frames frames = batch.frames();
        int start = frames.start(i);
        int end = frames.end(i);
        if (end > start && batch.bytes()[end - 1] == '\n') {
            end--;
        }
        long seq = frames.seq(i);
        JsonNode node;
        try {
            node = JSON.readTree(batch.bytes(), start, end - start);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record " + seq + " is not a JSON envelope (codec json_lines): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // from memory: cannot happen
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("record " + seq + " is not a JSON envelope (codec json_lines)");
        }
        Instant received = instant(node, EnvelopeFields.RECEIVED_AT, seq);
        Instant eventTime = node.hasNonNull(EnvelopeFields.EVENT_TIME)
                ? instant(node, EnvelopeFields.EVENT_TIME, seq) : received;
        return new EnvelopeFrame(new String(batch.bytes(), start, end - start, StandardCharsets.UTF_8), node, seq,
                node.path(EnvelopeFields.KIND).asText(EnvelopeFields.KIND_EVENT), received, eventTime);
    }

    private static Instant instant(JsonNode node, String field, long seq) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("record " + seq + " has no " + field + " (an RFC 3339 string)");
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("record " + seq + " has " + field + " '" + v.asText()
                    + "', not an RFC 3339 time");
        }
    }

    /** Whether this is an event (not a heartbeat or loss marker, which carry no message of their own). */
    public boolean isEvent() {
        return EnvelopeFields.KIND_EVENT.equals(kind);
    }

    /** The envelope's text field, or {@code fallback} when absent. */
    public String text(String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    /** The record's time as nanoseconds since the epoch. */
    public static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
