package dev.gapless.config.output.archive;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** {@code type: archive}: rolling compressed NDJSON files with a hash-chained manifest. */
public final class ArchiveOutputType implements OutputType<ArchiveOutputConfig> {

    public static final String NAME = "archive";
    public static final ArchiveOutputType INSTANCE = new ArchiveOutputType();

    private ArchiveOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<ArchiveOutputConfig> configClass() {
        return ArchiveOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return ArchiveOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public ArchiveOutputConfig bind(Settings s, OutputCommon c) {
        Path path = s.required("path", Kind.PATH);
        ByteSize rollSize = s.get("roll_size", Kind.POSITIVE_SIZE, ArchiveOutputConfig.DEFAULT_ROLL_SIZE);
        Duration rollInterval = s.get("roll_interval", Kind.POSITIVE_DURATION,
                ArchiveOutputConfig.DEFAULT_ROLL_INTERVAL);
        Compression compression = s.get("compression", Kind.oneOf(Compression.class),
                ArchiveOutputConfig.DEFAULT_COMPRESSION);
        Path hmacKeyFile = s.optional("hmac_key_file", Kind.PATH).orElse(null);
        if (c.id() == null || path == null) {
            return null;
        }
        return new ArchiveOutputConfig(c.id(), path, c.codec(), rollSize, rollInterval, compression, hmacKeyFile,
                c.batch(), c.retry());
    }
}
