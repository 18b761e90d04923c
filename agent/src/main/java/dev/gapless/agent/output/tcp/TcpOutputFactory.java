package dev.gapless.agent.output.tcp;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import dev.gapless.config.output.tcp.TcpOutputType;
import dev.gapless.config.plugin.OutputType;

/** Builds {@code type: tcp} outputs. */
public final class TcpOutputFactory implements OutputFactory<TcpOutputConfig> {

    @Override
    public OutputType<TcpOutputConfig> type() {
        return TcpOutputType.INSTANCE;
    }

    @Override
    public Sink create(TcpOutputConfig config, OutputContext ctx) {
        return new TcpSink(config, ctx.loops());
    }
}
