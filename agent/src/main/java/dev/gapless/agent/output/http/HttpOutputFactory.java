package dev.gapless.agent.output.http;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.output.http.HttpOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: http} outputs. */
public final class HttpOutputFactory implements OutputFactory<HttpOutputConfig> {

    @Override
    public OutputType<HttpOutputConfig> type() {
        return HttpOutputType.INSTANCE;
    }

    @Override
    public Sink create(HttpOutputConfig config, OutputContext ctx) {
        try {
            return new HttpSink(config, ctx.loops());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
