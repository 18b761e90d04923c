package dev.gapless.config;

import dev.gapless.config.condition.Condition;
import java.util.Optional;

/**
 * One step of the filter chain: the record one filter's YAML section binds to. Each type's record lives in that
 * type's package with its {@link dev.gapless.config.plugin.FilterType}, and
 * {@link dev.gapless.config.plugin.Registry} lists the types. Filters run in the order written, between the inputs
 * and the journal.
 */
public interface FilterConfig {

    /** Unique among filters; names the filter's metrics. Defaults to {@code <type>_<position>} ({@code grok_1}). */
    String id();

    /** The YAML {@code type} of this filter: its {@link dev.gapless.config.plugin.FilterType#name()}. */
    String type();

    /** When present, the filter applies only to events for which it holds; the others pass unchanged. */
    Optional<Condition> when();
}
