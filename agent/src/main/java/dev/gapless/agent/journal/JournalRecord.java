package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import java.util.Arrays;
import java.util.List;

/**
 * One record read back from the journal, verified by its CRC. Its message and extra parts are ranges of
 * {@code data}, which a reader may share between the records of one batch (an output's reused arena): a record
 * is valid while its batch is, and {@link #message()} / {@link #extra()} copy.
 *
 * @param kind            event, heartbeat or loss marker
 * @param seq             dense, per agent, never reused
 * @param bootIdMsb       the boot that wrote it (UUID high bits)
 * @param bootIdLsb       the boot that wrote it (UUID low bits)
 * @param receivedAtNanos epoch nanoseconds
 * @param eventTimeNanos  epoch nanoseconds
 * @param sourcePosition  the source's position after this event, or -1
 * @param tags            {@link dev.gapless.agent.event.Tags} bits
 * @param source          the input id, or {@code _agent}
 * @param data            holds the message and the extra part
 * @param messageOffset   where the message bytes start in {@code data}
 * @param messageLength   message bytes
 * @param extraOffset     where the extra part starts: a UTF-8 JSON object, the fields of an event, the body of a
 *                        heartbeat or loss marker
 * @param extraLength     extra bytes
 * @param encodedLength   bytes the record takes in the journal
 * @param freeTags        free-form tags (a filter's {@code _grokparsefailure}), after the {@code tags} bits;
 *                        empty (the shared empty list) for a v1 record
 */
public record JournalRecord(
        RecordKind kind,
        long seq,
        long bootIdMsb,
        long bootIdLsb,
        long receivedAtNanos,
        long eventTimeNanos,
        long sourcePosition,
        int tags,
        String source,
        byte[] data,
        int messageOffset,
        int messageLength,
        int extraOffset,
        int extraLength,
        int encodedLength,
        List<String> freeTags) {

    /** A record holding its own message and extra arrays, without free-form tags. */
    public JournalRecord(RecordKind kind, long seq, long bootIdMsb, long bootIdLsb, long receivedAtNanos,
                         long eventTimeNanos, long sourcePosition, int tags, String source, byte[] message,
                         byte[] extra, int encodedLength) {
        this(kind, seq, bootIdMsb, bootIdLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                concat(message, extra), 0, message.length, message.length, extra.length, encodedLength, List.of());
    }

    /** A record holding its own message and extra arrays, with free-form tags. */
    public JournalRecord(RecordKind kind, long seq, long bootIdMsb, long bootIdLsb, long receivedAtNanos,
                         long eventTimeNanos, long sourcePosition, int tags, String source, byte[] message,
                         byte[] extra, int encodedLength, List<String> freeTags) {
        this(kind, seq, bootIdMsb, bootIdLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                concat(message, extra), 0, message.length, message.length, extra.length, encodedLength,
                List.copyOf(freeTags));
    }

    /** A copy of the message bytes. */
    public byte[] message() {
        return Arrays.copyOfRange(data, messageOffset, messageOffset + messageLength);
    }

    /** A copy of the extra part. */
    public byte[] extra() {
        return Arrays.copyOfRange(data, extraOffset, extraOffset + extraLength);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
