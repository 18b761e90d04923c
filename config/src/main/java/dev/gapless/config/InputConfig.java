package dev.gapless.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A source of events: the record one input's YAML section binds to. Each type's record lives in that type's package
 * with its {@link dev.gapless.config.plugin.InputType}, and {@link dev.gapless.config.plugin.Registry} lists the
 * types.
 */
public interface InputConfig {

    /** Unique among inputs; becomes the {@code source} of every event it accepts. */
    String id();

    /** The YAML {@code type} of this input: its {@link dev.gapless.config.plugin.InputType#name()}. */
    String type();

    /** When set, the watchdog alerts if the input accepted nothing for this long. */
    Optional<Duration> expectEventsEvery();

    /** The longest event this input hands to the journal; a longer one is cut to it and tagged truncated. */
    ByteSize maxEventBytes();
}
