package dev.gapless.agent.codec;

/**
 * A run of consecutive events an output does not carry (its {@code when:} is false for them), declared to the
 * destination as one {@code kind: skipped} record whose {@code seq} is {@code toSeq}.
 *
 * @param fromSeq         the first seq skipped
 * @param toSeq           the last seq skipped (inclusive)
 * @param count           how many events were skipped: {@code toSeq - fromSeq + 1}, since a run is consecutive
 * @param bootIdMsb       the boot of the agent that journaled them (a run never spans two boots), high bits
 * @param bootIdLsb       low bits
 * @param receivedAtNanos when the last of them was received, epoch nanoseconds
 */
public record SkippedRun(long fromSeq, long toSeq, long count, long bootIdMsb, long bootIdLsb,
        long receivedAtNanos) {
}
