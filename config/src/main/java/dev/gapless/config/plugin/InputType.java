package dev.gapless.config.plugin;

import dev.gapless.config.InputConfig;

/**
 * One kind of input, as the config knows it: its {@code type:} name, how its YAML section binds, and (through the
 * record it binds to) its defaults and {@link InputConfig#maxEventBytes()}. Listed in {@link Registry}; the agent
 * builds the live input from the record with the factory registered for the same type, and the watchdog uses the
 * record alone. A type lives in its own package with its record.
 *
 * @param <C> the record this type binds to
 */
public interface InputType<C extends InputConfig> {

    /** The YAML {@code type}: lower case, unique among inputs. */
    String name();

    /** The record {@link #bind} returns, so a factory can be looked up and applied without a cast by hand. */
    Class<C> configClass();

    /**
     * Binds this type's own keys. The common ones ({@code type}, {@code id}, {@code expect_events_every}) are read
     * already and must not be asked for again.
     *
     * @return the record; null when a value it needs is missing or invalid (already reported through {@code s})
     */
    C bind(Settings s, InputCommon common);
}
