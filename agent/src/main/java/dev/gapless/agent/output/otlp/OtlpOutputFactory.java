package dev.gapless.agent.output.otlp;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import dev.gapless.config.output.otlp.OtlpOutputType;
import dev.gapless.config.plugin.OutputType;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: otlp} outputs: OTLP/HTTP over the http outputs' client ({@link OtlpSink}). */
public final class OtlpOutputFactory implements OutputFactory<OtlpOutputConfig> {

    @Override
    public OutputType<OtlpOutputConfig> type() {
        return OtlpOutputType.INSTANCE;
    }

    @Override
    public Sink create(OtlpOutputConfig config, OutputContext ctx) {
        return sink(config, ctx.loops());
    }

    static OtlpSink sink(OtlpOutputConfig config, EventLoopGroup loops) {
        try {
            return new OtlpSink(config, loops);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
