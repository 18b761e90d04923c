package dev.gapless.config.output.file;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Events appended to a local file; delivered = forced to disk. When the file reaches
 * {@code rollSize} it is renamed with a numeric suffix ({@code events.ndjson.1}, …) and a new one begins.
 *
 * @param path     the file written to
 * @param codec    json_lines (envelope and message) or line (original bytes)
 * @param rollSize the file is rolled once it holds this many bytes
 * @param maxFiles rolled files kept besides the current one; the oldest beyond it is deleted
 */
public record FileOutputConfig(
        String id,
        Path path,
        Codec codec,
        ByteSize rollSize,
        int maxFiles,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final ByteSize DEFAULT_ROLL_SIZE = ByteSize.ofMebibytes(256);
    public static final int DEFAULT_MAX_FILES = 10;

    public FileOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(rollSize, "rollSize");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return FileOutputType.NAME;
    }

    /** The directory the file is in exists and is writable. */
    @Override
    public Probe probe() {
        return new Probe.DirWritable(path.toAbsolutePath().getParent());
    }
}
