package dev.gapless.agent.audit;

import java.time.Instant;

/**
 * Parses RFC 3339 timestamps ({@code 2026-11-23T10:00:00.123456789Z}, or with an offset such as
 * {@code +02:00}) straight from the parser's character buffer into epoch nanoseconds, without
 * allocating: {@link Instant#parse} costs more than the rest of a line's audit.
 *
 * <p>Epoch nanoseconds in a {@code long} cover the years 1678 to 2262; a time outside that, a leap
 * second ({@code :60}) or any other form is reported as {@link #INVALID}.
 */
final class Rfc3339 {

    /** Returned for text that is no RFC 3339 timestamp in range. */
    static final long INVALID = Long.MIN_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Rfc3339() {
    }

    static long parseNanos(char[] c, int off, int len) {
        // shortest: 2026-11-23T10:00:00Z (20 chars)
        if (len < 20) {
            return INVALID;
        }
        int year = digits(c, off, 4);
        int month = digits(c, off + 5, 2);
        int day = digits(c, off + 8, 2);
        int hour = digits(c, off + 11, 2);
        int minute = digits(c, off + 14, 2);
        int second = digits(c, off + 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 13] != ':' || c[off + 16] != ':') {
            return INVALID;
        }
        char t = c[off + 10];
        if (t != 'T' && t != 't' && t != ' ') {
            return INVALID;
        }
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            return INVALID;
        }
        int p = off + 19;
        int end = off + len;
        long nanos = 0;
        if (c[p] == '.') {
            p++;
            int fracDigits = 0;
            while (p < end && c[p] >= '0' && c[p] <= '9') {
                if (fracDigits < 9) {
                    nanos = nanos * 10 + (c[p] - '0');
                }
                fracDigits++;
                p++;
            }
            if (fracDigits == 0) {
                return INVALID;
            }
            for (int k = fracDigits; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (p >= end) {
            return INVALID;
        }
        int offsetSeconds;
        char z = c[p];
        if ((z == 'Z' || z == 'z') && p + 1 == end) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && p + 6 == end && c[p + 3] == ':') {
            int oh = digits(c, p + 1, 2);
            int om = digits(c, p + 4, 2);
            if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (z == '+' ? 1 : -1);
        } else {
            return INVALID;
        }
        long epochSecond = daysFromCivil(year, month, day) * 86_400L
                + hour * 3600L + minute * 60L + second - offsetSeconds;
        // keep within what a long of nanoseconds holds
        if (epochSecond <= -9_223_372_036L || epochSecond >= 9_223_372_036L) {
            return INVALID;
        }
        return epochSecond * NANOS_PER_SECOND + nanos;
    }

    static long parseNanos(String s) {
        return parseNanos(s.toCharArray(), 0, s.length());
    }

    static Instant toInstant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND),
                Math.floorMod(epochNanos, NANOS_PER_SECOND));
    }

    static long toNanos(Instant instant) {
        return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
    }

    // n decimal digits as an int, or -1 when any is not a digit
    private static int digits(char[] c, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            int d = c[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    // days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
