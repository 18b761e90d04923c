package dev.gapless.config.plugin;

import dev.gapless.config.FilterConfig;

/**
 * One kind of filter, as the config knows it: its {@code type:} name and how its YAML section binds. Listed in
 * {@link Registry}; the agent builds the live filter from the record with the factory registered for the same type.
 * A type lives in its own package with its record.
 *
 * @param <C> the record this type binds to
 */
public interface FilterType<C extends FilterConfig> {

    /** The YAML {@code type}: lower case, unique among filters. */
    String name();

    /** The record {@link #bind} returns. */
    Class<C> configClass();

    /**
     * Binds this type's own keys. The common ones ({@code type}, {@code id}, {@code when}) are read already and
     * must not be asked for again.
     *
     * @return the record; null when a value it needs is missing or invalid (already reported through {@code s})
     */
    C bind(Settings s, FilterCommon common);
}
