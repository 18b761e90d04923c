package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;

/**
 * One record read back from the journal, verified by its CRC.
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
 * @param message         the message bytes
 * @param extra           a UTF-8 JSON object: the fields of an event, the body of a heartbeat or loss marker
 * @param encodedLength   bytes the record takes in the journal
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
        byte[] message,
        byte[] extra,
        int encodedLength) {
}
