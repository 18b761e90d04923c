package dev.gapless.agent.input.tcp;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.tcp.TcpInputConfig;
import dev.gapless.config.input.tcp.TcpInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: tcp} inputs. */
public final class TcpInputFactory implements InputFactory<TcpInputConfig> {

    @Override
    public InputType<TcpInputConfig> type() {
        return TcpInputType.INSTANCE;
    }

    @Override
    public Input create(TcpInputConfig config, InputContext ctx) {
        return new TcpInput(config, ctx.ingest(), ctx.boss(), ctx.workers(), ctx.clock());
    }
}
