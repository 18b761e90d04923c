package dev.gapless.config.output.stdout;

import dev.gapless.config.Codec;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;

/** {@code type: stdout}: events written to the agent's standard output. It has no settings of its own. */
public final class StdoutOutputType implements OutputType<StdoutOutputConfig> {

    public static final String NAME = "stdout";
    public static final StdoutOutputType INSTANCE = new StdoutOutputType();

    private StdoutOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<StdoutOutputConfig> configClass() {
        return StdoutOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return StdoutOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public StdoutOutputConfig bind(Settings s, OutputCommon c) {
        return c.id() == null ? null : new StdoutOutputConfig(c.id(), c.codec(), c.batch(), c.retry());
    }
}
