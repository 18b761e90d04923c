package dev.gapless.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The on-disk journal every event passes through.
 *
 * @param durability   when appended records are forced to disk; see {@link Durability}
 * @param syncInterval under {@code batch}, the longest an acknowledgement waits for the force that covers it
 * @param maxSize      the journal's disk use is kept under this; at the bound {@link WhenFull} decides
 * @param minFree      below this much free space on the file system the journal stops appending, as when full;
 *                     empty when not set: then {@link #minFreeFor(long)} applies the default rule
 * @param whenFull     what happens at {@code max_size} or {@code min_free}
 * @param segmentSize  the journal rolls to a new file after about this many bytes; files are deleted whole,
 *                     so disk use over the outputs' backlog is at most one segment per output lagging
 */
public record JournalConfig(
        Durability durability,
        Duration syncInterval,
        ByteSize maxSize,
        Optional<ByteSize> minFree,
        WhenFull whenFull,
        ByteSize segmentSize) {

    /** min_free when not set is the smaller of this and {@link #DEFAULT_MIN_FREE_PERCENT} of the file system. */
    public static final ByteSize DEFAULT_MIN_FREE_CAP = ByteSize.ofGibibytes(1);
    /** min_free when not set, in percent of the file system's size, at most {@link #DEFAULT_MIN_FREE_CAP}. */
    public static final int DEFAULT_MIN_FREE_PERCENT = 5;

    public static final JournalConfig DEFAULT = new JournalConfig(
            Durability.BATCH, Duration.ofMillis(20), ByteSize.ofGibibytes(4), Optional.empty(),
            WhenFull.BLOCK, ByteSize.ofMebibytes(64));

    /** A config with {@code min_free} set. */
    public JournalConfig(Durability durability, Duration syncInterval, ByteSize maxSize, ByteSize minFree,
                         WhenFull whenFull, ByteSize segmentSize) {
        this(durability, syncInterval, maxSize, Optional.of(minFree), whenFull, segmentSize);
    }

    public JournalConfig {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(maxSize, "maxSize");
        Objects.requireNonNull(minFree, "minFree");
        Objects.requireNonNull(whenFull, "whenFull");
        Objects.requireNonNull(segmentSize, "segmentSize");
    }

    /**
     * The free space the journal keeps on a file system of {@code fileSystemBytes}: min_free as set, else the
     * smaller of {@link #DEFAULT_MIN_FREE_CAP} and {@link #DEFAULT_MIN_FREE_PERCENT} % of the file system (so a
     * small file system is not refused whole by a default meant for large ones).
     */
    public ByteSize minFreeFor(long fileSystemBytes) {
        return minFree.orElseGet(() -> {
            long size = Math.max(0, fileSystemBytes);
            long share = size > Long.MAX_VALUE / DEFAULT_MIN_FREE_PERCENT ? Long.MAX_VALUE
                    : size * DEFAULT_MIN_FREE_PERCENT / 100;
            return ByteSize.ofBytes(Math.min(DEFAULT_MIN_FREE_CAP.bytes(), share));
        });
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
