package dev.gapless.agent.input.journald;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.journald.JournaldInputConfig;
import dev.gapless.config.input.journald.JournaldInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: journald} inputs. */
public final class JournaldInputFactory implements InputFactory<JournaldInputConfig> {

    @Override
    public InputType<JournaldInputConfig> type() {
        return JournaldInputType.INSTANCE;
    }

    @Override
    public Input create(JournaldInputConfig config, InputContext ctx) {
        return new JournaldInput(config, ctx.ingest(), ctx.checkpointFile().apply(config.id()), ctx.syncCheckpoints(),
                ctx.clock());
    }
}
