package dev.gapless.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A source of events. One record type per YAML {@code type}; the subtypes are listed here and
 * nowhere else, and the agent's component factory maps each to its live input.
 */
public sealed interface InputConfig permits TcpInputConfig, FileInputConfig {

    /** Unique among inputs; becomes the {@code source} of every event it accepts. */
    String id();

    /** The YAML {@code type} of this input. */
    String type();

    /** When set, the watchdog alerts if the input accepted nothing for this long. */
    Optional<Duration> expectEventsEvery();
}
