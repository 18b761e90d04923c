package dev.gapless.config.input.journald;

import dev.gapless.config.ByteSize;
import dev.gapless.config.InputConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the systemd journal through {@code journalctl -o export --follow} run as a child, its cursor checkpointed
 * once the entries before it are durable so a restart resumes exactly after the last one taken.
 *
 * @param startAt           where the first run begins (once a cursor is saved, every run resumes after it)
 * @param units             only entries of these systemd units ({@code journalctl --unit}); empty: every unit
 * @param identifiers       only entries with one of these syslog identifiers ({@code journalctl --identifier});
 *                          empty: any
 * @param priority          only entries of this priority or more urgent (0 emerg .. 7 debug); empty: all
 * @param directory         a journal directory to read instead of the system's ({@code journalctl --directory})
 * @param journalctl        the journalctl binary: a command name looked up on {@code PATH}, or a path
 * @param maxEntryBytes     an entry's message and fields together are kept to about this size: what is beyond is
 *                          cut, the event tagged {@code truncated}
 * @param restartBackoff    the first wait before starting journalctl again after it exited; doubled on each exit
 *                          that read nothing, up to {@link #MAX_RESTART_BACKOFF}
 * @param expectEventsEvery see {@link InputConfig#expectEventsEvery()}
 */
public record JournaldInputConfig(
        String id,
        StartAt startAt,
        List<String> units,
        List<String> identifiers,
        OptionalInt priority,
        Optional<Path> directory,
        String journalctl,
        ByteSize maxEntryBytes,
        Duration restartBackoff,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final StartAt DEFAULT_START_AT = StartAt.END;
    public static final List<String> DEFAULT_UNITS = List.of();
    public static final List<String> DEFAULT_IDENTIFIERS = List.of();
    public static final String DEFAULT_JOURNALCTL = "journalctl";
    public static final ByteSize DEFAULT_MAX_ENTRY_BYTES = ByteSize.ofMebibytes(1);
    public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** The longest wait between two starts of journalctl, however often it exits. */
    public static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(60);
    /** The smallest {@code max_entry_bytes}: an entry's trusted fields alone take a few hundred bytes. */
    public static final int MIN_MAX_ENTRY_BYTES = 4096;
    /** The priority keywords, by level (journalctl's and syslog's). */
    public static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice",
            "info", "debug");

    public JournaldInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startAt, "startAt");
        units = List.copyOf(Objects.requireNonNull(units, "units"));
        identifiers = List.copyOf(Objects.requireNonNull(identifiers, "identifiers"));
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(journalctl, "journalctl");
        Objects.requireNonNull(maxEntryBytes, "maxEntryBytes");
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
        if (priority.isPresent() && (priority.getAsInt() < 0 || priority.getAsInt() > 7)) {
            throw new IllegalArgumentException("priority must be 0..7, got " + priority.getAsInt());
        }
        if (maxEntryBytes.bytes() < MIN_MAX_ENTRY_BYTES || maxEntryBytes.bytes() > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("maxEntryBytes must be " + MIN_MAX_ENTRY_BYTES + ".."
                    + Integer.MAX_VALUE / 8 + ", got " + maxEntryBytes);
        }
    }

    /** A priority keyword ({@code info}) or number ({@code 6}) as its level, or -1 if it is neither. */
    public static int priorityLevel(String value) {
        String v = value.trim();
        if (v.length() == 1 && v.charAt(0) >= '0' && v.charAt(0) <= '7') {
            return v.charAt(0) - '0';
        }
        return PRIORITIES.indexOf(v.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String type() {
        return JournaldInputType.NAME;
    }

    @Override
    public ByteSize maxEventBytes() {
        return maxEntryBytes;
    }

    /** Where the first run begins. */
    public enum StartAt {
        /** After the journal's last entry when the input first starts: only what is written from then on. */
        END,
        /** The journal's oldest entry. */
        BEGINNING
    }
}
