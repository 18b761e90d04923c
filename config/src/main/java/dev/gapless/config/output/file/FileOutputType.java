package dev.gapless.config.output.file;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;

/** {@code type: file}: events appended to a local file, rolled by size. */
public final class FileOutputType implements OutputType<FileOutputConfig> {

    public static final String NAME = "file";
    public static final FileOutputType INSTANCE = new FileOutputType();

    private FileOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<FileOutputConfig> configClass() {
        return FileOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return FileOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public FileOutputConfig bind(Settings s, OutputCommon c) {
        Path path = s.required("path", Kind.PATH);
        ByteSize rollSize = s.get("roll_size", Kind.POSITIVE_SIZE, FileOutputConfig.DEFAULT_ROLL_SIZE);
        int maxFiles = s.get("max_files", Kind.integer(0, Integer.MAX_VALUE), FileOutputConfig.DEFAULT_MAX_FILES);
        if (c.id() == null || path == null) {
            return null;
        }
        return new FileOutputConfig(c.id(), path, c.codec(), rollSize, maxFiles, c.batch(), c.retry());
    }
}
