package dev.gapless.agent.output.syslog;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: syslog} outputs. */
public final class SyslogOutputFactory implements OutputFactory<SyslogOutputConfig> {

    @Override
    public OutputType<SyslogOutputConfig> type() {
        return SyslogOutputType.INSTANCE;
    }

    @Override
    public Sink create(SyslogOutputConfig config, OutputContext ctx) {
        try {
            return new SyslogSink(config, ctx.loops());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
