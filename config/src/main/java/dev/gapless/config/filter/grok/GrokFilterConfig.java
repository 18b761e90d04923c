package dev.gapless.config.filter.grok;

import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code type: grok}: parses a text field with grok expressions ({@code %{IP:client}}) into fields, the expressions
 * compiled at config load against the shipped {@link GrokLibrary} and the user's own definitions.
 *
 * @param match what is matched and where captures go
 */
public record GrokFilterConfig(String id, Optional<Condition> when, MatchConfig match) implements FilterConfig {

    /** The tag of an event no pattern matched. */
    public static final List<String> DEFAULT_TAG_ON_FAILURE = List.of("_grokparsefailure");
    /** The tag of an event on which matching ran out of its budget. */
    public static final String TIMEOUT_TAG = "_grok_timeout";

    public GrokFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(match, "match");
    }

    @Override
    public String type() {
        return GrokFilterType.NAME;
    }
}
