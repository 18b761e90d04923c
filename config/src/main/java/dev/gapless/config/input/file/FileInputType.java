package dev.gapless.config.input.file;

import dev.gapless.config.ByteSize;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/** {@code type: file}: the files a glob matches, followed line by line, each one's read offset checkpointed. */
public final class FileInputType implements InputType<FileInputConfig> {

    public static final String NAME = "file";
    public static final FileInputType INSTANCE = new FileInputType();

    private FileInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<FileInputConfig> configClass() {
        return FileInputConfig.class;
    }

    @Override
    public FileInputConfig bind(Settings s, InputCommon common) {
        Path path = s.required("path", Kind.PATH);
        FileInputConfig.StartAt startAt = s.get("start_at", Kind.oneOf(FileInputConfig.StartAt.class),
                FileInputConfig.DEFAULT_START_AT);
        ByteSize maxLineBytes = s.get("max_line_bytes", Kind.POSITIVE_SIZE, FileInputConfig.DEFAULT_MAX_LINE_BYTES);
        Duration pollInterval = s.get("poll_interval", Kind.POSITIVE_DURATION, FileInputConfig.DEFAULT_POLL_INTERVAL);
        List<String> exclude = s.get("exclude", Kind.STRING_LIST, FileInputConfig.DEFAULT_EXCLUDE);
        Duration scanInterval = s.get("scan_interval", Kind.POSITIVE_DURATION, FileInputConfig.DEFAULT_SCAN_INTERVAL);
        Integer maxFiles = s.get("max_files", Kind.integer(1, FileInputConfig.MAX_MAX_FILES),
                FileInputConfig.DEFAULT_MAX_FILES);
        ByteSize fingerprintBytes = s.get("fingerprint_bytes", Kind.POSITIVE_SIZE,
                FileInputConfig.DEFAULT_FINGERPRINT_BYTES);
        if (fingerprintBytes.bytes() > FileInputConfig.MAX_FINGERPRINT_BYTES) {
            s.problem("fingerprint_bytes: expected at most " + FileInputConfig.MAX_FINGERPRINT_BYTES / 1024
                    + "KiB, got " + fingerprintBytes, "fingerprint_bytes");
            return null;
        }
        Duration rotateWait = s.get("rotate_wait", Kind.DURATION, FileInputConfig.DEFAULT_ROTATE_WAIT);
        Optional<FileInputConfig.Multiline> multiline = multiline(s.section("multiline",
                "a mapping with start_pattern, max_lines, max_bytes, timeout"));
        if (common.id() == null || path == null || multiline == null) {
            return null;
        }
        return new FileInputConfig(common.id(), path, exclude, startAt, maxLineBytes, pollInterval, scanInterval,
                maxFiles, fingerprintBytes, rotateWait, multiline, common.expectEventsEvery());
    }

    /** @return empty when not written; null when invalid (reported) */
    private static Optional<FileInputConfig.Multiline> multiline(Settings s) {
        if (!s.written()) {
            return Optional.empty();
        }
        String pattern = s.required("start_pattern", Kind.NON_EMPTY_STRING);
        int maxLines = s.get("max_lines", Kind.integer(1, FileInputConfig.Multiline.MAX_MAX_LINES),
                FileInputConfig.Multiline.DEFAULT_MAX_LINES);
        ByteSize maxBytes = s.get("max_bytes", Kind.POSITIVE_SIZE, FileInputConfig.Multiline.DEFAULT_MAX_BYTES);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, FileInputConfig.Multiline.DEFAULT_TIMEOUT);
        if (maxBytes.bytes() > Integer.MAX_VALUE / 4) {
            s.problem("max_bytes: expected at most 511MiB, got " + maxBytes, "max_bytes");
            return null;
        }
        if (pattern == null) {
            return null;
        }
        try {
            FileInputConfig.Multiline.compile(pattern);
        } catch (PatternSyntaxException e) {
            s.problem("start_pattern: not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), "start_pattern");
            return null;
        }
        return Optional.of(new FileInputConfig.Multiline(pattern, maxLines, maxBytes, timeout));
    }
}
