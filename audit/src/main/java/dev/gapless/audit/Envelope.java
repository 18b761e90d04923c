package dev.gapless.audit;

/**
 * The fields of one envelope line that the audit needs, filled by {@link EnvelopeParser}. One
 * instance is reused for every line, so nothing here outlives the line it was read from.
 */
final class Envelope {

    static final int KIND_EVENT = 0;
    static final int KIND_HEARTBEAT = 1;
    static final int KIND_LOSS = 2;
    static final int KIND_OTHER = 3;
    static final int KIND_SKIPPED = 4;

    /** Marks a time or seq field that was absent or null. */
    static final long ABSENT = Long.MIN_VALUE + 1;

    int version;
    int kind;
    String agentId;
    String bootId;
    long seq;
    // epoch nanoseconds, Rfc3339.INVALID when unparsable, ABSENT when missing
    long receivedAt;
    long eventTime;
    // heartbeat.head_seq, ABSENT unless a heartbeat carried one
    long headSeq;
    // loss.from_seq, loss.to_seq and loss.count (or skipped.*), ABSENT when missing or null
    long lossFrom;
    long lossTo;
    long lossCount;
    String lossReason;
    String lossOutput;

    void clear() {
        version = -1;
        kind = KIND_EVENT;
        agentId = null;
        bootId = null;
        seq = ABSENT;
        receivedAt = ABSENT;
        eventTime = ABSENT;
        headSeq = ABSENT;
        lossFrom = ABSENT;
        lossTo = ABSENT;
        lossCount = ABSENT;
        lossReason = null;
        lossOutput = null;
    }
}
