package dev.gapless.agent.codec;

/** Formats epoch nanoseconds as RFC 3339 in UTC with nine fraction digits: {@code 2026-11-23T10:00:00.123456789Z}. */
public final class Rfc3339 {

    private Rfc3339() {
    }

    public static String format(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted); no objects made.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0)); // 1677..2262 for any long
        char[] c = new char[30];
        put2(c, 0, year / 100);
        put2(c, 2, year % 100);
        c[4] = '-';
        put2(c, 5, month);
        c[7] = '-';
        put2(c, 8, day);
        c[10] = 'T';
        put2(c, 11, secondOfDay / 3600);
        c[13] = ':';
        put2(c, 14, secondOfDay / 60 % 60);
        c[16] = ':';
        put2(c, 17, secondOfDay % 60);
        c[19] = '.';
        for (int i = 28; i >= 20; i--) {
            c[i] = (char) ('0' + nanos % 10);
            nanos /= 10;
        }
        c[29] = 'Z';
        return new String(c);
    }

    private static void put2(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }
}
