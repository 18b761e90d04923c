package dev.gapless.agent.output.stdout;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.stdout.StdoutOutputConfig;
import dev.gapless.config.output.stdout.StdoutOutputType;
import dev.gapless.config.plugin.OutputType;

/** Builds {@code type: stdout} outputs. */
public final class StdoutOutputFactory implements OutputFactory<StdoutOutputConfig> {

    @Override
    public OutputType<StdoutOutputConfig> type() {
        return StdoutOutputType.INSTANCE;
    }

    @Override
    public Sink create(StdoutOutputConfig config, OutputContext ctx) {
        return new StdoutSink();
    }
}
