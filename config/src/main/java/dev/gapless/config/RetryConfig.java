package dev.gapless.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with full jitter between failed sends. Retryable failures are retried forever;
 * the backoff never exceeds {@code maxBackoff}.
 *
 * @param initialBackoff the first wait after a failure
 * @param maxBackoff     the cap on any wait
 */
public record RetryConfig(Duration initialBackoff, Duration maxBackoff) {

    public static final RetryConfig DEFAULT = new RetryConfig(Duration.ofMillis(100), Duration.ofSeconds(30));

    public RetryConfig {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }
}
