package dev.gapless.config.plugin;

import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;

/**
 * One kind of output, as the config knows it: its {@code type:} name, how its YAML section binds, its default
 * codec, and (through the record it binds to) its defaults and how the watchdog probes its destination
 * ({@link OutputConfig#probe()}). Listed in {@link Registry}; the agent builds the live output from the record with
 * the factory registered for the same type, and the watchdog uses the record alone. A type lives in its own package
 * with its record.
 *
 * @param <C> the record this type binds to
 */
public interface OutputType<C extends OutputConfig> {

    /** The YAML {@code type}: lower case, unique among outputs. */
    String name();

    /** The record {@link #bind} returns. */
    Class<C> configClass();

    /** The codec when the section does not name one. */
    Codec defaultCodec();

    /**
     * Binds this type's own keys. The common ones ({@code type}, {@code id}, {@code codec}, {@code batch},
     * {@code retry}) are read already and must not be asked for again.
     *
     * @return the record; null when a value it needs is missing or invalid (already reported through {@code s})
     */
    C bind(Settings s, OutputCommon common);
}
