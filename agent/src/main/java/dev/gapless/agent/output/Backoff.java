package dev.gapless.agent.output;

import dev.gapless.config.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a random time in
 * [base/2, base] where base = initial × 2^(n-1), capped at {@code max_backoff}. A destination's own
 * {@code Retry-After} is honoured up to that cap.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;

    public Backoff(RetryConfig config) {
        this.initialNanos = Math.max(1, config.initialBackoff().toNanos());
        this.maxNanos = Math.max(initialNanos, config.maxBackoff().toNanos());
    }

    /** @return how long to wait after the {@code failures}-th failure in a row (failures ≥ 1) */
    public long delayNanos(int failures, Duration retryAfter) {
        int shift = Math.min(Math.max(failures - 1, 0), 40);
        long base = initialNanos << shift;
        if (base <= 0 || base > maxNanos || (initialNanos << shift) >>> shift != initialNanos) {
            base = maxNanos;
        }
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        if (retryAfter != null) {
            delay = Math.max(delay, Math.min(retryAfter.toNanos(), maxNanos));
        }
        return delay;
    }
}
