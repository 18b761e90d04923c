package dev.gapless.config.input.file;

import dev.gapless.config.ByteSize;
import dev.gapless.config.InputConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Tails one file, line by line, with its read offset checkpointed so a restart resumes.
 *
 * @param path              the file to follow
 * @param startAt           where to begin the first time this file is seen (later runs resume from the checkpoint)
 * @param maxLineBytes      a longer line is cut to this length, tagged {@code truncated} and counted
 * @param pollInterval      how often the file is checked for new data when idle
 * @param expectEventsEvery see {@link InputConfig#expectEventsEvery()}
 */
public record FileInputConfig(
        String id,
        Path path,
        StartAt startAt,
        ByteSize maxLineBytes,
        Duration pollInterval,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final StartAt DEFAULT_START_AT = StartAt.BEGINNING;
    public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofMebibytes(1);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

    public FileInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(startAt, "startAt");
        Objects.requireNonNull(maxLineBytes, "maxLineBytes");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
    }

    @Override
    public String type() {
        return FileInputType.NAME;
    }

    @Override
    public ByteSize maxEventBytes() {
        return maxLineBytes;
    }

    /** Where a file never seen before is read from. */
    public enum StartAt {
        BEGINNING,
        END
    }
}
