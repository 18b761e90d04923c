package dev.gapless.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The on-disk journal every event passes through.
 *
 * @param durability   when appended records are forced to disk; see {@link Durability}
 * @param syncInterval under {@code batch}, the longest an acknowledgement waits for the force that covers it
 * @param maxSize      the journal's disk use is kept under this; at the bound {@link WhenFull} decides
 * @param minFree      below this much free space on the file system the journal stops appending, as when full
 * @param whenFull     what happens at {@code max_size} or {@code min_free}
 * @param segmentSize  the journal rolls to a new file after about this many bytes; files are deleted whole,
 *                     so disk use over the outputs' backlog is at most one segment per output lagging
 */
public record JournalConfig(
        Durability durability,
        Duration syncInterval,
        ByteSize maxSize,
        ByteSize minFree,
        WhenFull whenFull,
        ByteSize segmentSize) {

    public static final JournalConfig DEFAULT = new JournalConfig(
            Durability.BATCH, Duration.ofMillis(20), ByteSize.ofGibibytes(4), ByteSize.ofGibibytes(1),
            WhenFull.BLOCK, ByteSize.ofMebibytes(64));

    public JournalConfig {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(maxSize, "maxSize");
        Objects.requireNonNull(minFree, "minFree");
        Objects.requireNonNull(whenFull, "whenFull");
        Objects.requireNonNull(segmentSize, "segmentSize");
    }

    /** When appended records reach the disk. */
    public enum Durability {
        /** Never forced by the agent: survives a crash of the agent, not of the machine. */
        NONE,
        /** Forced at least every {@code sync_interval}; acknowledgements wait for that force. */
        BATCH,
        /** Forced as soon as an acknowledgement waits for it. */
        FSYNC
    }

    /** What the journal does at {@code max_size} or {@code min_free}. */
    public enum WhenFull {
        /** Stop accepting: inputs are back-pressured, nothing is lost. */
        BLOCK,
        /** Delete the oldest segment, count the loss and write a loss marker naming the lost range. */
        DROP_OLDEST
    }
}
