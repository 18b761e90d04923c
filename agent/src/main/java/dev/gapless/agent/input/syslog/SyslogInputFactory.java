package dev.gapless.agent.input.syslog;

import dev.gapless.agent.input.Input;
import dev.gapless.agent.plugin.InputContext;
import dev.gapless.agent.plugin.InputFactory;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputType;
import dev.gapless.config.plugin.InputType;

/** Builds {@code type: syslog} inputs. */
public final class SyslogInputFactory implements InputFactory<SyslogInputConfig> {

    @Override
    public InputType<SyslogInputConfig> type() {
        return SyslogInputType.INSTANCE;
    }

    @Override
    public Input create(SyslogInputConfig config, InputContext ctx) {
        return new SyslogInput(config, ctx.ingest(), ctx.boss(), ctx.workers(), ctx.clock());
    }
}
