package dev.gapless.agent.output.archive;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.archive.ArchiveOutputConfig;
import dev.gapless.config.output.archive.ArchiveOutputType;
import dev.gapless.config.plugin.OutputType;

/** Builds {@code type: archive} outputs. */
public final class ArchiveOutputFactory implements OutputFactory<ArchiveOutputConfig> {

    @Override
    public OutputType<ArchiveOutputConfig> type() {
        return ArchiveOutputType.INSTANCE;
    }

    @Override
    public Sink create(ArchiveOutputConfig config, OutputContext ctx) {
        return new ArchiveSink(config, ctx.clock());
    }
}
