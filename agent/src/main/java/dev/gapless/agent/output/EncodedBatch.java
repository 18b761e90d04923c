package dev.gapless.agent.output;

/**
 * A batch ready to send: the bytes of its events in the output's codec, and the seq range it covers.
 *
 * @param firstSeq the first record's seq
 * @param lastSeq  the last record's seq; the cursor moves here once delivered
 * @param records  records in the batch (including ones the codec writes no bytes for)
 * @param bytes    the payload; {@code length} bytes of it are valid
 * @param length   payload length
 * @param frames   where each record's bytes lie in the payload, for sinks that send events one by one
 */
public record EncodedBatch(long firstSeq, long lastSeq, int records, byte[] bytes, int length, Frames frames) {

    /** A payload made by hand (a test's) in which each record wrote one line: its frames are its lines. */
    public EncodedBatch(long firstSeq, long lastSeq, int records, byte[] bytes, int length) {
        this(firstSeq, lastSeq, records, bytes, length, Frames.ofLines(firstSeq, bytes, length));
    }
}
