package dev.gapless.agent.codec;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Formats epoch nanoseconds as RFC 3339 in UTC with nine fraction digits: {@code 2026-11-23T10:00:00.123456789Z}. */
public final class Rfc3339 {

    private Rfc3339() {
    }

    public static String format(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        char[] c = new char[30];
        put4(c, 0, t.getYear());
        c[4] = '-';
        put2(c, 5, t.getMonthValue());
        c[7] = '-';
        put2(c, 8, t.getDayOfMonth());
        c[10] = 'T';
        put2(c, 11, t.getHour());
        c[13] = ':';
        put2(c, 14, t.getMinute());
        c[16] = ':';
        put2(c, 17, t.getSecond());
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

    private static void put4(char[] c, int at, int v) {
        put2(c, at, v / 100);
        put2(c, at + 2, v % 100);
    }
}
