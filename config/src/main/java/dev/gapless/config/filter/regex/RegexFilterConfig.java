package dev.gapless.config.filter.regex;

import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import dev.gapless.config.filter.grok.MatchConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code type: regex}: parses a text field with Java regexes, each named group written as a string field. Matches
 * the way grok does (the same settings, budget and code), without grok's {@code %{NAME}} library.
 *
 * @param match what is matched and where captures go
 */
public record RegexFilterConfig(String id, Optional<Condition> when, MatchConfig match) implements FilterConfig {

    /** The tag of an event no pattern matched. */
    public static final List<String> DEFAULT_TAG_ON_FAILURE = List.of("_regexparsefailure");
    /** The tag of an event on which matching ran out of its budget. */
    public static final String TIMEOUT_TAG = "_regex_timeout";

    public RegexFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(match, "match");
    }

    @Override
    public String type() {
        return RegexFilterType.NAME;
    }
}
