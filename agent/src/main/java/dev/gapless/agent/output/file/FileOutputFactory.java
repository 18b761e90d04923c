package dev.gapless.agent.output.file;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.file.FileOutputConfig;
import dev.gapless.config.output.file.FileOutputType;
import dev.gapless.config.plugin.OutputType;

/** Builds {@code type: file} outputs. */
public final class FileOutputFactory implements OutputFactory<FileOutputConfig> {

    @Override
    public OutputType<FileOutputConfig> type() {
        return FileOutputType.INSTANCE;
    }

    @Override
    public Sink create(FileOutputConfig config, OutputContext ctx) {
        return new FileSink(config);
    }
}
