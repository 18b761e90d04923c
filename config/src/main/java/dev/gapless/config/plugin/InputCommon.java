package dev.gapless.config.plugin;

import java.time.Duration;
import java.util.Optional;

/**
 * The settings every input has, read by the loader before the type binds its own.
 *
 * @param id                unique among inputs (null when missing or invalid: reported, and the type returns null)
 * @param expectEventsEvery when set, the watchdog alerts if the input accepted nothing for this long
 */
public record InputCommon(String id, Optional<Duration> expectEventsEvery) {
}
