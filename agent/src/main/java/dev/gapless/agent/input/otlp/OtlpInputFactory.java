package dev.gapless.agent.input.otlp;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import dev.gapless.config.input.otlp.OtlpInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: otlp} inputs. */
public final class OtlpInputFactory implements InputFactory<OtlpInputConfig> {

    @Override
    public InputType<OtlpInputConfig> type() {
        return OtlpInputType.INSTANCE;
    }

    @Override
    public Input create(OtlpInputConfig config, InputContext ctx) {
        return new OtlpInput(config, ctx.ingest(), ctx.boss(), ctx.workers(), ctx.clock());
    }
}
