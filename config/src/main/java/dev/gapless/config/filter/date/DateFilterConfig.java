package dev.gapless.config.filter.date;

import dev.gapless.config.FieldPath;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.condition.Condition;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses a field into the event's time (or into an RFC 3339 string under {@code fields}).
 *
 * @param field        where the date is: text, or a number for the UNIX formats
 * @param formats      tried in order, the first that parses wins: java.time patterns or the named formats
 * @param timezone     for a date without an offset; empty: the agent's zone
 * @param locale       for month and day names
 * @param target       {@link #EVENT_TIME}, or a path under {@code fields}
 * @param tagOnFailure the tags of an event no format could read
 */
public record DateFilterConfig(String id, Optional<Condition> when, FieldPath field, List<String> formats,
                               Optional<ZoneId> timezone, Locale locale, FieldPath target,
                               List<String> tagOnFailure) implements FilterConfig {

    /** The named formats, besides java.time patterns. */
    public static final List<String> NAMED = List.of("ISO8601", "RFC3339", "UNIX", "UNIX_MS", "UNIX_US",
            "UNIX_NS", "SYSLOG");
    public static final FieldPath EVENT_TIME = FieldPath.parse("event_time");
    public static final FieldPath DEFAULT_TARGET = EVENT_TIME;
    public static final Locale DEFAULT_LOCALE = Locale.ROOT;
    public static final List<String> DEFAULT_TAG_ON_FAILURE = List.of("_dateparsefailure");

    public DateFilterConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(field, "field");
        formats = List.copyOf(formats);
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(target, "target");
        tagOnFailure = List.copyOf(tagOnFailure);
    }

    @Override
    public String type() {
        return DateFilterType.NAME;
    }
}
