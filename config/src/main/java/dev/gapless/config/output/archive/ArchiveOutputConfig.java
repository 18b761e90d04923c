package dev.gapless.config.output.archive;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * An audit archive: rolling compressed NDJSON files in a directory (mounted remote storage in practice), each batch
 * one complete gzip member or zstd frame, delivered once the file (and, when a file is made or renamed, the
 * directory) is fsynced; each closed file is entered in a hash-chained manifest that {@code gapless verify-archive}
 * checks.
 *
 * @param path         the archive's directory
 * @param codec        json_lines (auditable) or line
 * @param rollSize     a file is closed before a batch would take it past this many (compressed) bytes
 * @param rollInterval a file open this long is closed at the next batch (a heartbeat at the latest)
 * @param compression  how each batch is compressed
 * @param hmacKeyFile  when set, each manifest entry carries an HMAC-SHA256 with the key in this file; else null
 */
public record ArchiveOutputConfig(
        String id,
        Path path,
        Codec codec,
        ByteSize rollSize,
        Duration rollInterval,
        Compression compression,
        Path hmacKeyFile,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    /** How each batch of an archive file is compressed. */
    public enum Compression {
        /** one gzip member per batch ({@code .gz}); {@code zcat} and {@code GZIPInputStream} read the file whole */
        GZIP,
        /** one zstd frame per batch ({@code .zst}), with its content checksum */
        ZSTD,
        /** plain NDJSON ({@code .ndjson}) */
        NONE
    }

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final ByteSize DEFAULT_ROLL_SIZE = ByteSize.ofMebibytes(256);
    public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofHours(1);
    public static final Compression DEFAULT_COMPRESSION = Compression.ZSTD;

    public ArchiveOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(rollSize, "rollSize");
        Objects.requireNonNull(rollInterval, "rollInterval");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return ArchiveOutputType.NAME;
    }

    /** The archive's directory exists and is writable. */
    @Override
    public Probe probe() {
        return new Probe.DirWritable(path.toAbsolutePath());
    }
}
