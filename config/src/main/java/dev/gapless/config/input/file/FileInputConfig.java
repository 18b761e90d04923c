package dev.gapless.config.input.file;

import dev.gapless.config.ByteSize;
import dev.gapless.config.InputConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
 * @param rotateWait        a file no longer under the glob is read on for this long after it last grew (or left
 *                          the glob), then finished and closed; zero: closed as soon as it is read to its end
 * @param multiline         when present, lines are joined into events by {@link Multiline}
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
        Duration rotateWait,
        Optional<Multiline> multiline,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final List<String> DEFAULT_EXCLUDE = List.of();
    public static final StartAt DEFAULT_START_AT = StartAt.BEGINNING;
    public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofMebibytes(1);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FILES = 1024;
    public static final ByteSize DEFAULT_FINGERPRINT_BYTES = ByteSize.ofKibibytes(1);
    /** As Fluent Bit's {@code rotate_wait}: long enough for a writer to reopen its file after a rename. */
    public static final Duration DEFAULT_ROTATE_WAIT = Duration.ofSeconds(5);
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
        Objects.requireNonNull(rotateWait, "rotateWait");
        Objects.requireNonNull(multiline, "multiline");
        if (rotateWait.isNegative()) {
            throw new IllegalArgumentException("rotateWait must not be negative, got " + rotateWait);
        }
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
                DEFAULT_FINGERPRINT_BYTES, DEFAULT_ROTATE_WAIT, Optional.empty(), expectEventsEvery);
    }

    /** The keys before {@code rotate_wait} and {@code multiline}, with their defaults. */
    public FileInputConfig(String id, Path path, List<String> exclude, StartAt startAt, ByteSize maxLineBytes,
                           Duration pollInterval, Duration scanInterval, int maxFiles, ByteSize fingerprintBytes,
                           Optional<Duration> expectEventsEvery) {
        this(id, path, exclude, startAt, maxLineBytes, pollInterval, scanInterval, maxFiles, fingerprintBytes,
                DEFAULT_ROTATE_WAIT, Optional.empty(), expectEventsEvery);
    }

    @Override
    public String type() {
        return FileInputType.NAME;
    }

    @Override
    public ByteSize maxEventBytes() {
        // a joined event's first line is taken whole, a following one only within max_bytes
        return multiline.map(m -> m.maxBytes().bytes() > maxLineBytes.bytes() ? m.maxBytes() : maxLineBytes)
                .orElse(maxLineBytes);
    }

    /**
     * Lines joined into one event (a stack trace, a traceback): a line {@code startPattern} finds a match in (within
     * its first {@link #MATCH_BYTES} bytes) begins an event, every other line continues the one before. The event is
     * its lines joined with {@code \n}. Its first line is always taken whole; a following line that would make it
     * more than {@code maxLines} lines or {@code maxBytes} bytes ends it instead: the event is emitted as it is,
     * tagged {@code truncated} (and counted so), and that line begins the next one. An event that gains no line for
     * {@code timeout} is emitted as it is, as is one whose file is finished.
     *
     * @param startPattern a {@link java.util.regex.Pattern} (checked here)
     * @param maxLines     at most this many lines per event
     * @param maxBytes     at most this many bytes per event, but a first line may be longer (up to max_line_bytes)
     * @param timeout      an event that gained no line for this long is emitted
     */
    public record Multiline(String startPattern, int maxLines, ByteSize maxBytes, Duration timeout) {

        public static final int DEFAULT_MAX_LINES = 500;
        public static final ByteSize DEFAULT_MAX_BYTES = ByteSize.ofMebibytes(1);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
        public static final int MAX_MAX_LINES = 1 << 20;
        /** A pattern sees at most this many first bytes of a line, so its cost does not grow with the line. */
        public static final int MATCH_BYTES = 4096;

        public Multiline {
            Objects.requireNonNull(startPattern, "startPattern");
            Objects.requireNonNull(maxBytes, "maxBytes");
            Objects.requireNonNull(timeout, "timeout");
            compile(startPattern);
            if (maxLines < 1 || maxLines > MAX_MAX_LINES) {
                throw new IllegalArgumentException("maxLines must be 1.." + MAX_MAX_LINES + ", got " + maxLines);
            }
            if (maxBytes.bytes() < 1 || maxBytes.bytes() > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("maxBytes must be 1.." + Integer.MAX_VALUE / 4);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }

        /** @throws PatternSyntaxException when {@code pattern} is not a valid regular expression */
        public static Pattern compile(String pattern) {
            return Pattern.compile(pattern);
        }
    }

    /** Where a file never seen before is read from. */
    public enum StartAt {
        BEGINNING,
        END
    }
}
