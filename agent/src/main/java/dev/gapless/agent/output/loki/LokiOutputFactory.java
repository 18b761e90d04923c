package dev.gapless.agent.output.loki;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.loki.LokiOutputConfig;
import dev.gapless.config.output.loki.LokiOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: loki} outputs. */
public final class LokiOutputFactory implements OutputFactory<LokiOutputConfig> {

    @Override
    public OutputType<LokiOutputConfig> type() {
        return LokiOutputType.INSTANCE;
    }

    @Override
    public Sink create(LokiOutputConfig config, OutputContext ctx) {
        try {
            return new LokiSink(config, ctx.loops());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
