package dev.gapless.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the YAML: a whole number and a unit, {@code 250ms}, {@code 5s}, {@code 2m},
 * {@code 1h}, {@code 1d}. A bare number is refused: a duration without a unit is ambiguous.
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("^\\s*(\\d+)\\s*(ns|us|ms|s|m|h|d)\\s*$");

    private Durations() {
    }

    /**
     * Parses {@code "20ms"} and the like.
     *
     * @throws IllegalArgumentException with a message fit for a config error when the text is no duration
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text); // case-sensitive: "5M" is not 5 minutes
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected a duration with a unit (ms, s, m, h, d), such as 500ms or 30s, got '" + text + "'");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration too large: '" + text + "'");
        }
        try {
            return switch (m.group(2)) {
                case "ns" -> Duration.ofNanos(n);
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too large: '" + text + "'");
        }
    }

    /** The shortest exact form, the inverse of {@link #parse}: {@code 1500ms}, {@code 30s}, {@code 5m}. */
    public static String format(Duration d) {
        long ns = d.toNanos();
        if (ns == 0) {
            return "0s";
        }
        long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] names = {"d", "h", "m", "s", "ms", "us"};
        for (int i = 0; i < units.length; i++) {
            if (ns % units[i] == 0) {
                return (ns / units[i]) + names[i];
            }
        }
        return ns + "ns";
    }
}
