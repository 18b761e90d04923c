package dev.gapless.agent.event;

import java.util.Objects;

/**
 * One event as a value, before it has a sequence number: for code that builds events one at a time (tests). The
 * journal appends {@code MessageBatch}es only; an event's parts are what a batch holds for each of its messages.
 *
 * @param source          the id of the input that accepted it
 * @param sourcePosition  where in the source it came from (a file offset after the line), or -1
 * @param receivedAtNanos when the agent received it, epoch nanoseconds
 * @param eventTimeNanos  when it happened according to the source, epoch nanoseconds (= received when unknown)
 * @param message         the event's bytes as received (not necessarily valid UTF-8)
 * @param fields          structured fields as a UTF-8 JSON object, or empty
 * @param tags            {@link Tags} bits
 */
public record Event(
        String source,
        long sourcePosition,
        long receivedAtNanos,
        long eventTimeNanos,
        byte[] message,
        byte[] fields,
        int tags) {

    private static final byte[] NONE = new byte[0];

    public Event {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fields, "fields");
    }

    /** A plain line from {@code source}, received now, with no fields. */
    public static Event line(String source, long sourcePosition, long nowNanos, byte[] message, int tags) {
        return new Event(source, sourcePosition, nowNanos, nowNanos, message, NONE, tags);
    }

    /** Bytes this event takes in the journal's accounting (its payload, not the record header). */
    public int payloadBytes() {
        return message.length + fields.length + source.length();
    }
}
