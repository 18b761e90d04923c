package dev.gapless.agent.filter.date;

import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.date.DateFilterConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a date from a field with the first of its formats that parses it, and sets the event time (or writes the
 * instant as RFC 3339 text). The formatters are built once; a date without a year takes the clock's year, or the
 * previous one when that would put it more than a day ahead (a December line read in January). Thread-safe: the
 * formatters are immutable.
 */
final class DateFilter implements Filter {

    /** The longest text tried: a date is a few dozen characters; a longer field is no date (a failure). */
    static final int MAX_CHARS = 256;

    /** One format: the instant a value stands for, or null when it does not read as this format. */
    private interface Format {
        Instant parse(Object value, ZoneId zone, Clock clock);
    }

    private final FieldPath field;
    private final FieldPath target;
    private final boolean eventTime;
    private final List<Format> formats = new ArrayList<>();
    private final ZoneId zone;
    private final List<String> tagOnFailure;
    private final FilterStats stats;
    private final Clock clock;

    DateFilter(DateFilterConfig c, FilterContext context) {
        this.field = c.field();
        this.target = c.target();
        this.eventTime = c.target().equals(DateFilterConfig.EVENT_TIME);
        this.zone = c.timezone().orElse(ZoneId.systemDefault());
        this.tagOnFailure = c.tagOnFailure();
        this.stats = context.stats();
        this.clock = context.clock();
        for (String f : c.formats()) {
            formats.add(format(f, c));
        }
    }

    private static Format format(String name, DateFilterConfig c) {
        return switch (name) {
            case "ISO8601", "RFC3339" -> text(iso(), c.locale());
            case "UNIX" -> epoch(0);
            case "UNIX_MS" -> epoch(3);
            case "UNIX_US" -> epoch(6);
            case "UNIX_NS" -> epoch(9);
            case "SYSLOG" -> syslog(c);
            default -> text(strict(new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(name),
                    c.locale()), c.locale());
        };
    }

    /** ISO 8601: date, {@code T} or a space, time with optional seconds and fraction, optional offset. */
    private static DateTimeFormatter iso() {
        return new DateTimeFormatterBuilder().parseCaseInsensitive()
                .append(DateTimeFormatter.ISO_LOCAL_DATE)
                .optionalStart().appendLiteral('T').optionalEnd()
                .optionalStart().appendLiteral(' ').optionalEnd()
                .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
                .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
                .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
                .optionalEnd()
                .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
                .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
                .optionalStart().appendOffset("+HH", "Z").optionalEnd()
                .toFormatter().withResolverStyle(ResolverStyle.STRICT)
                .withChronology(java.time.chrono.IsoChronology.INSTANCE);
    }

    /** {@code MMM d HH:mm:ss}, one or two spaces before the day, no year. */
    private static Format syslog(DateFilterConfig c) {
        Format f = text(strict(new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("MMM d HH:mm:ss"),
                c.locale()), c.locale());
        return (value, zone, clock) -> value instanceof String s ? f.parse(s.replaceFirst("  ", " "), zone, clock)
                : null;
    }

    /**
     * A pattern resolved strictly (31 February is no date, not 28 February); the era is the current one unless
     * written, so {@code yyyy} resolves as users mean it.
     */
    private static DateTimeFormatter strict(DateTimeFormatterBuilder b, java.util.Locale locale) {
        return b.parseDefaulting(ChronoField.ERA, 1).toFormatter(locale).withResolverStyle(ResolverStyle.STRICT)
                .withChronology(java.time.chrono.IsoChronology.INSTANCE);
    }

    private static Format text(DateTimeFormatter formatter, java.util.Locale locale) {
        DateTimeFormatter fmt = locale.equals(java.util.Locale.ROOT) ? formatter.withLocale(java.util.Locale.ENGLISH)
                : formatter;
        return (value, zone, clock) -> {
            if (!(value instanceof String s) || s.length() > MAX_CHARS) {
                return null;
            }
            TemporalAccessor t;
            try {
                t = fmt.parse(s.trim());
            } catch (DateTimeException e) {
                return null;
            }
            return resolve(t, zone, clock);
        };
    }

    /** The instant a parsed date stands for: its own offset or zone, else {@code zone}; no year: inferred. */
    static Instant resolve(TemporalAccessor t, ZoneId zone, Clock clock) {
        if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(t);
        }
        ZoneId own = t.query(TemporalQueries.zone());
        ZoneId z = own != null ? own : zone;
        LocalTime time = t.query(TemporalQueries.localTime());
        if (time == null) {
            time = LocalTime.MIDNIGHT;
        }
        LocalDate date = t.query(TemporalQueries.localDate());
        if (date != null) {
            return ZonedDateTime.of(date, time, z).toInstant();
        }
        if (!t.isSupported(ChronoField.MONTH_OF_YEAR) || !t.isSupported(ChronoField.DAY_OF_MONTH)) {
            return null;
        }
        int month = t.get(ChronoField.MONTH_OF_YEAR);
        int day = t.get(ChronoField.DAY_OF_MONTH);
        ZonedDateTime now = clock.instant().atZone(z);
        try {
            ZonedDateTime guess = LocalDateTime.of(LocalDate.of(now.getYear(), month, day), time).atZone(z);
            if (guess.isAfter(now.plusDays(1))) {
                guess = LocalDateTime.of(LocalDate.of(now.getYear() - 1, month, day), time).atZone(z);
            }
            return guess.toInstant();
        } catch (DateTimeException e) {
            return null; // Feb 29 in a year without one
        }
    }

    /** Epoch seconds times 10^-scale: a number, or text of one (a fraction kept to the nanosecond). */
    private static Format epoch(int scale) {
        return (value, zone, clock) -> {
            BigDecimal n;
            try {
                if (value instanceof Long l) {
                    n = BigDecimal.valueOf(l);
                } else if (value instanceof Double d) {
                    n = BigDecimal.valueOf(d);
                } else if (value instanceof Number num) {
                    n = new BigDecimal(num.toString());
                } else if (value instanceof String s && !s.isEmpty() && s.length() <= 40) {
                    n = new BigDecimal(s.trim());
                } else {
                    return null;
                }
                BigDecimal nanos = n.movePointRight(9 - scale).setScale(0, RoundingMode.DOWN);
                BigDecimal[] qr = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
                return Instant.ofEpochSecond(qr[0].longValueExact(), qr[1].longValueExact());
            } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
                return null;
            }
        };
    }

    @Override
    public boolean apply(FilterEvent event) {
        Object value = event.get(field);
        Instant at = null;
        if (value != null) {
            for (Format f : formats) {
                at = f.parse(value, zone, clock);
                if (at != null) {
                    break;
                }
            }
        }
        if (at == null || !write(event, at)) {
            tagOnFailure.forEach(event::tag);
            stats.failures.increment();
        }
        return true;
    }

    /** False if the instant has no epoch-nanosecond value (past the year 2262) or the target cannot be written. */
    private boolean write(FilterEvent event, Instant at) {
        if (!eventTime) {
            return event.put(target, at.toString());
        }
        try {
            event.eventTimeNanos(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L),
                    at.getNano()));
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
