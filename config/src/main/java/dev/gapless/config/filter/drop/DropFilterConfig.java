package dev.gapless.config.filter.drop;

import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.Objects;
import java.util.Optional;

/**
 * Drops the events its {@code when:} holds for (every event, without one): they never reach the journal, take no
 * sequence number, and are counted in the filter's {@code dropped}, apart from losses.
 */
public record DropFilterConfig(String id, Optional<Condition> when) implements FilterConfig {

    public DropFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
    }

    @Override
    public String type() {
        return DropFilterType.NAME;
    }
}
