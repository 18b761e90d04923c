package dev.gapless.agent.output.elasticsearch;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds {@code type: elasticsearch} outputs. */
public final class ElasticsearchOutputFactory implements OutputFactory<ElasticsearchOutputConfig> {

    @Override
    public OutputType<ElasticsearchOutputConfig> type() {
        return ElasticsearchOutputType.INSTANCE;
    }

    @Override
    public Sink create(ElasticsearchOutputConfig config, OutputContext ctx) {
        try {
            return new ElasticsearchSink(config, ctx.loops(), ctx.agentId(), ctx.clock());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
