package dev.gapless.config.input.journald;

import dev.gapless.config.ByteSize;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code type: journald}: the systemd journal, read through {@code journalctl -o export --follow}. */
public final class JournaldInputType implements InputType<JournaldInputConfig> {

    public static final String NAME = "journald";
    public static final JournaldInputType INSTANCE = new JournaldInputType();

    private JournaldInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<JournaldInputConfig> configClass() {
        return JournaldInputConfig.class;
    }

    @Override
    public JournaldInputConfig bind(Settings s, InputCommon common) {
        JournaldInputConfig.StartAt startAt = s.get("start_at", Kind.oneOf(JournaldInputConfig.StartAt.class),
                JournaldInputConfig.DEFAULT_START_AT);
        List<String> units = s.get("units", Kind.STRING_LIST, JournaldInputConfig.DEFAULT_UNITS);
        List<String> identifiers = s.get("identifiers", Kind.STRING_LIST, JournaldInputConfig.DEFAULT_IDENTIFIERS);
        String priorityText = s.get("priority", Kind.NON_EMPTY_STRING, null);
        Path directory = s.get("directory", Kind.PATH, null);
        String journalctl = s.get("journalctl", Kind.NON_EMPTY_STRING, JournaldInputConfig.DEFAULT_JOURNALCTL);
        ByteSize maxEntryBytes = s.get("max_entry_bytes", Kind.POSITIVE_SIZE,
                JournaldInputConfig.DEFAULT_MAX_ENTRY_BYTES);
        Duration restartBackoff = s.get("restart_backoff", Kind.POSITIVE_DURATION,
                JournaldInputConfig.DEFAULT_RESTART_BACKOFF);
        boolean ok = true;
        OptionalInt priority = OptionalInt.empty();
        if (priorityText != null) {
            int level = JournaldInputConfig.priorityLevel(priorityText);
            if (level < 0) {
                s.problem("priority: expected a level 0..7 or one of " + JournaldInputConfig.PRIORITIES + ", got "
                        + priorityText, "priority");
                ok = false;
            } else {
                priority = OptionalInt.of(level);
            }
        }
        if (maxEntryBytes != null && maxEntryBytes.bytes() < JournaldInputConfig.MIN_MAX_ENTRY_BYTES) {
            s.problem("max_entry_bytes: expected at least " + JournaldInputConfig.MIN_MAX_ENTRY_BYTES / 1024
                    + "KiB, got " + maxEntryBytes, "max_entry_bytes");
            ok = false;
        }
        for (String unit : units == null ? List.<String>of() : units) {
            if (unit.isBlank()) {
                s.problem("units: expected unit names, got an empty one", "units");
                ok = false;
            }
        }
        for (String id : identifiers == null ? List.<String>of() : identifiers) {
            if (id.isBlank()) {
                s.problem("identifiers: expected syslog identifiers, got an empty one", "identifiers");
                ok = false;
            }
        }
        if (!ok || common.id() == null || startAt == null || units == null || identifiers == null
                || journalctl == null || maxEntryBytes == null || restartBackoff == null) {
            return null;
        }
        return new JournaldInputConfig(common.id(), startAt, units, identifiers, priority,
                Optional.ofNullable(directory), journalctl, maxEntryBytes, restartBackoff, common.expectEventsEvery());
    }
}
