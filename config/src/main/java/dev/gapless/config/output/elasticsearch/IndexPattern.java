package dev.gapless.config.output.elasticsearch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * An index name with the event's date in it, UTC: {@code %Y} (four-digit year), {@code %m} (month), {@code %d}
 * (day), {@code %H} (hour), each zero-padded, and {@code %%} for a percent sign; everything else is literal. What
 * it makes is a legal index name whatever the date (lower case, none of {@code \ / * ? " < > | , #}, space or
 * {@code :}, not starting with {@code - _ +}, at most 255 bytes), so a bad pattern is a config error, never a
 * rejected event.
 */
public final class IndexPattern {

    /** Elasticsearch and OpenSearch refuse index names longer than this (in UTF-8 bytes). */
    public static final int MAX_NAME_BYTES = 255;
    private static final String FORBIDDEN = "\\/*?\"<>|,# :";

    private final String pattern;

    private IndexPattern(String pattern) {
        this.pattern = pattern;
    }

    /**
     * @return the pattern
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static IndexPattern parse(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("an index name cannot be empty");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '%') {
                char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
                if ("YmdH%".indexOf(next) < 0 || next == 0) {
                    throw new IllegalArgumentException("'%" + (next == 0 ? "" : String.valueOf(next))
                            + "' is not a date field: use %Y, %m, %d, %H or %% (a percent sign)");
                }
                i++;
            } else if (FORBIDDEN.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new IllegalArgumentException("index names cannot hold '" + c + "'");
            } else if (c != Character.toLowerCase(c)) {
                throw new IllegalArgumentException("index names are lower case: '" + c + "' is not");
            }
        }
        IndexPattern p = new IndexPattern(pattern);
        String sample = p.format(Instant.parse("2026-12-31T23:00:00Z"));
        if (sample.startsWith("-") || sample.startsWith("_") || sample.startsWith("+")) {
            throw new IllegalArgumentException("index names cannot start with '-', '_' or '+'");
        }
        if (sample.equals(".") || sample.equals("..")) {
            throw new IllegalArgumentException("'.' and '..' are not index names");
        }
        if (sample.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("index names are at most " + MAX_NAME_BYTES + " bytes");
        }
        return p;
    }

    /** The index for an event of this time. */
    public String format(Instant time) {
        if (pattern.indexOf('%') < 0) {
            return pattern;
        }
        ZonedDateTime t = time.atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(pattern.length() + 8);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'Y' -> b.append(String.format(Locale.ROOT, "%04d", t.getYear()));
                case 'm' -> b.append(two(t.getMonthValue()));
                case 'd' -> b.append(two(t.getDayOfMonth()));
                case 'H' -> b.append(two(t.getHour()));
                default -> b.append('%');
            }
        }
        return b.toString();
    }

    /** Whether the name depends on the event's time (else every event goes to the one index). */
    public boolean dated() {
        return pattern.replace("%%", "").indexOf('%') >= 0;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }

    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexPattern other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
