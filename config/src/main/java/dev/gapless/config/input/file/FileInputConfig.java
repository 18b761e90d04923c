package dev.gapless.config.input.file;

import dev.gapless.config.ByteSize;
import dev.gapless.config.InputConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Tails the files a glob matches, line by line, each file's read offset checkpointed so a restart resumes.
 *
 * @param path              a file, or a glob ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}} within a name,
 *                          {@code **} across folders) of the files to follow
 * @param exclude           globs of files not to follow: one without a {@code /} is matched against the file's name,
 *                          one with a {@code /} against its whole path
 * @param startAt           where a file present at the first scan of the first run is begun (files found later, and
 *                          every file once a checkpoint exists, are read from their start or their checkpoint)
 * @param maxLineBytes      a longer line is cut to this length, tagged {@code truncated} and counted
 * @param pollInterval      how often the followed files are checked for new data when idle
 * @param scanInterval      how often the glob is matched again for new, rotated and removed files
 * @param maxFiles          at most this many files are followed at once; more are logged and counted, not followed
 * @param fingerprintBytes  a file is known by a hash of its first this many bytes (plus device and inode)
 * @param expectEventsEvery see {@link InputConfig#expectEventsEvery()}
 */
public record FileInputConfig(
        String id,
        Path path,
        List<String> exclude,
        StartAt startAt,
        ByteSize maxLineBytes,
        Duration pollInterval,
        Duration scanInterval,
        int maxFiles,
        ByteSize fingerprintBytes,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final List<String> DEFAULT_EXCLUDE = List.of();
    public static final StartAt DEFAULT_START_AT = StartAt.BEGINNING;
    public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofMebibytes(1);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FILES = 1024;
    public static final ByteSize DEFAULT_FINGERPRINT_BYTES = ByteSize.ofKibibytes(1);
    /** The largest {@code max_files}: each followed file holds an open descriptor. */
    public static final int MAX_MAX_FILES = 65_536;
    /** The largest {@code fingerprint_bytes}: the prefix is read again on every scan until the file is that long. */
    public static final int MAX_FINGERPRINT_BYTES = 64 * 1024;

    public FileInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
        Objects.requireNonNull(startAt, "startAt");
        Objects.requireNonNull(maxLineBytes, "maxLineBytes");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(scanInterval, "scanInterval");
        Objects.requireNonNull(fingerprintBytes, "fingerprintBytes");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
        if (maxFiles < 1 || maxFiles > MAX_MAX_FILES) {
            throw new IllegalArgumentException("maxFiles must be 1.." + MAX_MAX_FILES + ", got " + maxFiles);
        }
        if (fingerprintBytes.bytes() < 1 || fingerprintBytes.bytes() > MAX_FINGERPRINT_BYTES) {
            throw new IllegalArgumentException("fingerprintBytes must be 1.." + MAX_FINGERPRINT_BYTES);
        }
    }

    /** One file (or glob) with the defaults for everything the first version of this input did not have. */
    public FileInputConfig(String id, Path path, StartAt startAt, ByteSize maxLineBytes, Duration pollInterval,
                           Optional<Duration> expectEventsEvery) {
        this(id, path, DEFAULT_EXCLUDE, startAt, maxLineBytes, pollInterval, DEFAULT_SCAN_INTERVAL, DEFAULT_MAX_FILES,
                DEFAULT_FINGERPRINT_BYTES, expectEventsEvery);
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
