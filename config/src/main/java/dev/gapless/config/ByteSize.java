package dev.gapless.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written with an explicit unit in the YAML: {@code 512B}, {@code 64KiB}, {@code 256MiB},
 * {@code 4GiB}, {@code 1TiB}; decimal units ({@code KB}, {@code MB}, {@code GB}, {@code TB}) are powers of 1000.
 * A bare number is refused: a size without a unit is ambiguous.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

    private static final Pattern FORM = Pattern.compile("^\\s*(\\d+)\\s*([A-Za-z]+)\\s*$");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKibibytes(long n) {
        return new ByteSize(Math.multiplyExact(n, 1024L));
    }

    public static ByteSize ofMebibytes(long n) {
        return new ByteSize(Math.multiplyExact(n, 1024L * 1024));
    }

    public static ByteSize ofGibibytes(long n) {
        return new ByteSize(Math.multiplyExact(n, 1024L * 1024 * 1024));
    }

    /**
     * Parses {@code "64MiB"} and the like.
     *
     * @throws IllegalArgumentException with a message fit for a config error when the text is no size
     */
    public static ByteSize parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected a size with a unit, such as 64MiB or 1GiB, got '" + text + "'");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        // Units are case-sensitive: "Mb" would be megabits, not megabytes, so it is refused.
        long unit = switch (m.group(2)) {
            case "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            case "KB", "kB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            default -> throw new IllegalArgumentException(
                    "unknown size unit '" + m.group(2) + "' in '" + text + "'; use B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB)");
        };
        try {
            return new ByteSize(Math.multiplyExact(n, unit));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The shortest exact form: {@code 64MiB} rather than {@code 67108864B}. */
    @Override
    public String toString() {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return bytes + "B";
    }
}
