package dev.gapless.config.filter.sample;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps one in {@code rate} of the events its {@code when:} holds for and drops the rest: by a shared counter, or,
 * with {@code key}, by a hash of that field's value, so one key is always kept or always dropped.
 */
public record SampleFilterConfig(String id, Optional<Condition> when, int rate, Optional<FieldPath> key)
        implements FilterConfig {

    public SampleFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(key, "key");
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be at least 1: " + rate);
        }
    }

    @Override
    public String type() {
        return SampleFilterType.NAME;
    }
}
