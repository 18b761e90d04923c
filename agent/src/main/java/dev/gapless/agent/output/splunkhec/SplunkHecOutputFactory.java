package dev.gapless.agent.output.splunkhec;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import dev.gapless.config.output.splunkhec.SplunkHecOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: splunk_hec} outputs. */
public final class SplunkHecOutputFactory implements OutputFactory<SplunkHecOutputConfig> {

    @Override
    public OutputType<SplunkHecOutputConfig> type() {
        return SplunkHecOutputType.INSTANCE;
    }

    @Override
    public Sink create(SplunkHecOutputConfig config, OutputContext ctx) {
        try {
            return new SplunkHecSink(config, ctx.loops());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
