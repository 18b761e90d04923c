package dev.gapless.agent.plugin;

import dev.gapless.agent.filter.Filter;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.plugin.FilterType;

/**
 * Builds the live filter of one type from its config record. Registered through {@code ServiceLoader}
 * ({@code META-INF/services/dev.gapless.agent.plugin.FilterFactory}), next to the input and output factories.
 *
 * @param <C> the record the type binds to
 */
public interface FilterFactory<C extends FilterConfig> {

    /** The config descriptor this factory builds: the one {@link dev.gapless.config.plugin.Registry} lists. */
    FilterType<C> type();

    /**
     * @throws IllegalArgumentException if the record cannot make a filter (a pattern file that does not parse): the
     *                                  agent refuses to start, saying why
     */
    Filter create(C config, FilterContext context);
}
