package dev.gapless.config.filter.redact;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Masks sensitive text in one field, rule by rule, counting each rule's matches.
 *
 * @param field    the text to mask in ({@code message} or a path under {@code fields})
 * @param rules    built-in rules, in order (see {@link #BUILT_IN})
 * @param patterns user rules, name to regular expression (the whole match is masked), after the built-in ones
 * @param mask     what a match is replaced with
 * @param timeout  the time all rules together may take on one event; past it the whole field is masked
 */
public record RedactFilterConfig(String id, Optional<Condition> when, FieldPath field, List<String> rules,
                                 Map<String, Pattern> patterns, String mask, Duration timeout)
        implements FilterConfig {

    public static final List<String> BUILT_IN = List.of("email", "credit_card", "bearer_token", "aws_access_key",
            "aws_secret_key");
    public static final FieldPath DEFAULT_FIELD = FieldPath.parse("message");
    public static final String DEFAULT_MASK = "[REDACTED]";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    /** The tag of an event whose field was masked whole because the rules ran out of their budget. */
    public static final String TIMEOUT_TAG = "_redact_timeout";

    public RedactFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(field, "field");
        rules = List.copyOf(rules);
        patterns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(patterns));
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String type() {
        return RedactFilterType.NAME;
    }
}
