package dev.gapless.agent.journal;

import dev.gapless.config.JournalConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything a {@link Journal} needs, resolved from the config and the agent's identity.
 *
 * @param dir            the journal directory ({@code <data_dir>/journal})
 * @param config         durability, size bounds, segment size
 * @param bootId         this run's boot id, written into every record
 * @param maxRecordBytes the length cap of one record; larger appends fail, larger reads are corrupt
 * @param blockSize      Chronicle's mapping block size: resident memory grows with it (about 4 blocks)
 * @param clock          for timestamps of markers and heartbeats
 */
public record JournalOptions(Path dir, JournalConfig config, UUID bootId, int maxRecordBytes, long blockSize,
                             Clock clock) {

    public JournalOptions {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(clock, "clock");
        if (blockSize < 4L * maxRecordBytes) {
            throw new IllegalArgumentException("blockSize " + blockSize + " must hold four maximal records of "
                    + maxRecordBytes + " bytes");
        }
    }

    /** A block big enough for four maximal records, at least 4 MiB, a power of two. */
    public static long blockSizeFor(int maxRecordBytes) {
        long want = Math.max(4L << 20, 4L * maxRecordBytes);
        return Long.highestOneBit(want - 1) << 1;
    }
}
