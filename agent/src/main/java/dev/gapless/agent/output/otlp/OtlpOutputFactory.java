package dev.gapless.agent.output.otlp;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.http.HttpSink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import dev.gapless.config.output.otlp.OtlpOutputType;
import dev.gapless.config.plugin.OutputType;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: otlp} outputs: the http output's client speaking OTLP/HTTP ({@link OtlpExchange}). */
public final class OtlpOutputFactory implements OutputFactory<OtlpOutputConfig> {

    @Override
    public OutputType<OtlpOutputConfig> type() {
        return OtlpOutputType.INSTANCE;
    }

    @Override
    public Sink create(OtlpOutputConfig config, OutputContext ctx) {
        return sink(config, ctx.loops());
    }

    static HttpSink sink(OtlpOutputConfig config, EventLoopGroup loops) {
        try {
            return new HttpSink(new HttpSink.Endpoint(config.id(), config.url(), config.timeout(), config.headers(),
                    config.tls()), new OtlpExchange(config.id(), config.compression()), loops);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
