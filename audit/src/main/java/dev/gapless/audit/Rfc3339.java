package dev.gapless.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * Parses RFC 3339 timestamps ({@code 2026-11-23T10:00:00.123456789Z}, or with an offset such as
 * {@code +02:00}) straight from a line's bytes into epoch nanoseconds, without allocating:
 * {@link Instant#parse} costs more than the rest of a line's audit.
 *
 * <p>An instance remembers the last {@code YYYY-MM-DDTHH:MM} it read and what it was worth, and
 * skips the calendar work when the next time starts the same, as consecutive records' times
 * nearly always do. One instance per reader, owned by its thread; the static methods are for
 * single values.
 *
 * <p>Epoch nanoseconds in a {@code long} cover the years 1678 to 2262; a time outside that, a leap
 * second ({@code :60}) or any other form is reported as {@link #INVALID}.
 */
final class Rfc3339 {

    /** Returned for text that is no RFC 3339 timestamp in range. */
    static final long INVALID = Long.MIN_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // what a char outside Latin-1 becomes when chars are read as bytes: no timestamp has it
    private static final byte NOT_LATIN_1 = (byte) 0xFF;

    // the first 16 bytes (YYYY-MM-DDTHH:MM) of the last valid time, and their epoch seconds at UTC
    private long head0;
    private long head1;
    private long headSeconds;
    private boolean headKnown;
    // chars read as bytes, for parse(char[], ...)
    private byte[] scratch = new byte[40];

    /** {@code b[off, off+len)} as epoch nanoseconds, or {@link #INVALID}. */
    long parse(byte[] b, int off, int len) {
        // shortest: 2026-11-23T10:00:00Z (20 chars)
        if (len < 20) {
            return INVALID;
        }
        long h0 = (long) LONGS.get(b, off);
        long h1 = (long) LONGS.get(b, off + 8);
        if (!headKnown || h0 != head0 || h1 != head1) {
            long seconds = headSeconds(b, off);
            if (seconds == INVALID) {
                return INVALID;
            }
            head0 = h0;
            head1 = h1;
            headSeconds = seconds;
            headKnown = true;
        }
        int second = digits(b, off + 17, 2);
        if (b[off + 16] != ':' || second < 0 || second > 59) {
            return INVALID;
        }
        int p = off + 19;
        int end = off + len;
        long nanos = 0;
        if (b[p] == '.') {
            p++;
            int fracDigits = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (fracDigits < 9) {
                    nanos = nanos * 10 + (b[p] - '0');
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
        byte z = b[p];
        if ((z == 'Z' || z == 'z') && p + 1 == end) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && p + 6 == end && b[p + 3] == ':') {
            int oh = digits(b, p + 1, 2);
            int om = digits(b, p + 4, 2);
            if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (z == '+' ? 1 : -1);
        } else {
            return INVALID;
        }
        long epochSecond = headSeconds + second - offsetSeconds;
        // keep within what a long of nanoseconds holds
        if (epochSecond <= -9_223_372_036L || epochSecond >= 9_223_372_036L) {
            return INVALID;
        }
        return epochSecond * NANOS_PER_SECOND + nanos;
    }

    /** As {@link #parse(byte[], int, int)}, for text a JSON parser decoded. */
    long parse(char[] c, int off, int len) {
        if (scratch.length < len) {
            scratch = new byte[len];
        }
        for (int i = 0; i < len; i++) {
            char ch = c[off + i];
            scratch[i] = ch <= 0xFF ? (byte) ch : NOT_LATIN_1;
        }
        return parse(scratch, 0, len);
    }

    static long parseNanos(String s) {
        return new Rfc3339().parse(s.toCharArray(), 0, s.length());
    }

    // epoch seconds at UTC of YYYY-MM-DDTHH:MM at b[off], or INVALID
    private static long headSeconds(byte[] b, int off) {
        int year = digits(b, off, 4);
        int month = digits(b, off + 5, 2);
        int day = digits(b, off + 8, 2);
        int hour = digits(b, off + 11, 2);
        int minute = digits(b, off + 14, 2);
        if ((year | month | day | hour | minute) < 0
                || b[off + 4] != '-' || b[off + 7] != '-' || b[off + 13] != ':') {
            return INVALID;
        }
        byte t = b[off + 10];
        if (t != 'T' && t != 't' && t != ' ') {
            return INVALID;
        }
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) {
            return INVALID;
        }
        return daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L;
    }

    static Instant toInstant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND),
                Math.floorMod(epochNanos, NANOS_PER_SECOND));
    }

    static long toNanos(Instant instant) {
        return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
    }

    // n decimal digits as an int, or -1 when any is not a digit
    private static int digits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            int d = b[i] - '0';
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
