package dev.gapless.agent.plugin;

import dev.gapless.agent.output.Sink;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.plugin.OutputType;

/**
 * Builds the sink of one {@link OutputType}: what sends an encoded batch to the destination and turns its answer
 * into an outcome. Reading the journal, batching, retrying and the cursor are the output worker's, the same for
 * every type. Each type's factory lives in the type's agent package, beside its sink, and is registered in
 * {@code META-INF/services/dev.gapless.agent.plugin.OutputFactory}.
 *
 * @param <C> the type's config record
 */
public interface OutputFactory<C extends OutputConfig> {

    /** The type this factory builds: the very descriptor the config's registry lists. */
    OutputType<C> type();

    Sink create(C config, OutputContext context);
}
