package dev.gapless.agent.input.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;

/**
 * Parses one syslog message's bytes (a TCP frame, a UDP datagram) into a {@link SyslogMessage}, without I/O.
 *
 * <ul>
 *   <li>RFC 5424: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}, {@code -} for a nil part,
 *       structured data with the escapes {@code \"}, {@code \\} and {@code \]} (any other backslash is kept), and a
 *       UTF-8 BOM before MSG dropped. Any header part that does not fit the grammar fails the parse.</li>
 *   <li>RFC 3164 and its common deviations: {@code [<PRI>][TIMESTAMP ][HOSTNAME ][TAG[\[PID\]]: ]MSG}, the
 *       timestamp either BSD ({@code Dec  2 02:07:07}, optional fraction) or ISO 8601 / RFC 3339 (the zone from
 *       {@code timezone} when it has none). A BSD timestamp has no year and no zone: the year is the receiver's
 *       current one, or the previous one when that would put the message more than a day in the future (the next
 *       one when that puts it at most a day ahead: a sender a little ahead at New Year); the zone is
 *       {@code timezone}. The first word after the timestamp is the hostname unless it looks like a tag (it
 *       ends with {@code :} or holds {@code [}).</li>
 *   <li>It fails (the caller keeps the raw text, tagged) on a bad PRI (not 0..191, not closed), a bad RFC 5424
 *       header, and on text with neither a PRI nor a timestamp: that is not syslog.</li>
 * </ul>
 * Header strings are decoded as UTF-8, bad bytes becoming U+FFFD; the MSG part is left as bytes. Per owner, one
 * thread at a time.
 */
final class SyslogParser {

    /** A message dated further ahead than this (by the year a BSD timestamp is given) is from last year. */
    static final Duration FUTURE_SLACK = Duration.ofDays(1);
    private static final int MAX_TAG = 128;
    private static final int MAX_PID = 128;
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};

    private final Clock clock;
    private final ZoneId zone;
    // Only the owner's thread: the unescaped bytes of one SD-PARAM value.
    private byte[] scratch = new byte[256];
    private int scratchLength;

    SyslogParser(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /** Parses {@code b[from, to)} into {@code m}; false if it is not syslog (then {@code m} holds nothing useful). */
    boolean parse(byte[] b, int from, int to, SyslogMessage m) {
        m.reset();
        int p = from;
        boolean pri = p < to && b[p] == '<';
        if (pri) {
            p = pri(b, p, to, m);
            if (p < 0) {
                return false;
            }
            if (p + 1 < to && b[p] == '1' && b[p + 1] == ' ') {
                return rfc5424(b, p + 2, to, m);
            }
        }
        return rfc3164(b, p, to, pri, m);
    }

    /** {@code <N>} with N of 1 to 3 digits, at most 191; returns the index after it, or -1. */
    private static int pri(byte[] b, int p, int to, SyslogMessage m) {
        int v = 0;
        int digits = 0;
        int i = p + 1;
        while (i < to && isDigit(b[i]) && digits < 3) {
            v = v * 10 + (b[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || i >= to || b[i] != '>' || v > 191) {
            return -1;
        }
        m.facility = v >> 3;
        m.severity = v & 7;
        return i + 1;
    }

    private boolean rfc5424(byte[] b, int p, int to, SyslogMessage m) {
        int end = token(b, p, to);
        if (end < 0) {
            return false;
        }
        if (!nil(b, p, end)) {
            long t = rfc3339(ascii(b, p, end));
            if (t == SyslogMessage.NO_TIME) {
                return false;
            }
            m.timeNanos = t;
        }
        p = end + 1;
        String[] parts = new String[4]; // hostname, app-name, procid, msgid
        for (int k = 0; k < parts.length; k++) {
            end = token(b, p, to);
            if (end < 0) {
                return false;
            }
            parts[k] = nil(b, p, end) ? null : utf8(b, p, end);
            p = end + 1;
        }
        m.hostname = parts[0];
        m.appName = parts[1];
        m.procId = parts[2];
        m.msgId = parts[3];
        if (p >= to) {
            return false; // the grammar requires STRUCTURED-DATA
        }
        if (b[p] == '-') {
            p++;
        } else {
            p = structuredData(b, p, to, m);
            if (p < 0) {
                return false;
            }
        }
        if (p == to) {
            m.msgFrom = to;
            m.msgTo = to;
            return true;
        }
        if (b[p] != ' ') {
            return false;
        }
        p++;
        if (to - p >= 3 && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
            p += 3;
        }
        m.msgFrom = p;
        m.msgTo = to;
        return true;
    }

    /** One or more {@code [SD-ID *(SP PARAM-NAME="VALUE")]}; returns the index after the last, or -1. */
    private int structuredData(byte[] b, int p, int to, SyslogMessage m) {
        if (b[p] != '[') {
            return -1;
        }
        while (p < to && b[p] == '[') {
            int idEnd = name(b, p + 1, to);
            if (idEnd < 0) {
                return -1;
            }
            String id = utf8(b, p + 1, idEnd);
            m.element(id);
            p = idEnd;
            while (p < to && b[p] == ' ') {
                int nameEnd = name(b, p + 1, to);
                if (nameEnd < 0 || nameEnd + 1 >= to || b[nameEnd] != '=' || b[nameEnd + 1] != '"') {
                    return -1;
                }
                String name = utf8(b, p + 1, nameEnd);
                p = value(b, nameEnd + 2, to);
                if (p < 0) {
                    return -1;
                }
                m.param(id, name, new String(scratch, 0, scratchLength, StandardCharsets.UTF_8));
            }
            if (p >= to || b[p] != ']') {
                return -1;
            }
            p++;
        }
        return p;
    }

    /** A quoted value's bytes, unescaped into {@link #scratch}; returns the index after the closing quote, or -1. */
    private int value(byte[] b, int p, int to) {
        scratchLength = 0;
        while (p < to) {
            byte c = b[p];
            if (c == '"') {
                return p + 1;
            }
            if (c == '\\' && p + 1 < to && (b[p + 1] == '"' || b[p + 1] == '\\' || b[p + 1] == ']')) {
                c = b[++p];
            }
            if (scratchLength == scratch.length) {
                scratch = Arrays.copyOf(scratch, scratch.length * 2);
            }
            scratch[scratchLength++] = c;
            p++;
        }
        return -1;
    }

    /** An SD-NAME (printable ASCII but {@code = ] " SP}, 1 to 32 bytes); returns the index after it, or -1. */
    private static int name(byte[] b, int p, int to) {
        int i = p;
        while (i < to && i - p <= 32) {
            byte c = b[i];
            if (c == '=' || c == ']' || c == '"' || c == ' ') {
                break;
            }
            if (c < 33 || c > 126) {
                return -1;
            }
            i++;
        }
        return i == p || i - p > 32 || i >= to ? -1 : i;
    }

    private boolean rfc3164(byte[] b, int p, int to, boolean pri, SyslogMessage m) {
        int after = bsdTimestamp(b, p, to, m);
        if (after < 0) {
            after = isoTimestamp(b, p, to, m);
        }
        if (after < 0) {
            if (!pri) {
                return false; // neither PRI nor timestamp: not syslog
            }
            tagAndMessage(b, p, to, m);
            return true;
        }
        p = after;
        if (p < to) {
            p++; // the space after the timestamp
        }
        int wordEnd = p;
        boolean tagLike = false;
        while (wordEnd < to && b[wordEnd] != ' ') {
            tagLike |= b[wordEnd] == '[';
            wordEnd++;
        }
        tagLike |= wordEnd > p && b[wordEnd - 1] == ':';
        if (wordEnd > p && !tagLike) {
            m.hostname = utf8(b, p, wordEnd);
            p = Math.min(to, wordEnd + 1);
        }
        tagAndMessage(b, p, to, m);
        return true;
    }

    /** {@code TAG[PID]: MSG} or {@code TAG: MSG} at p, else all of it is MSG. */
    private static void tagAndMessage(byte[] b, int p, int to, SyslogMessage m) {
        m.msgFrom = p;
        m.msgTo = to;
        int i = p;
        while (i < to && i - p <= MAX_TAG && b[i] != ' ' && b[i] != ':' && b[i] != '[') {
            i++;
        }
        if (i == p || i >= to || i - p > MAX_TAG) {
            return;
        }
        int tagEnd = i;
        String pid = null;
        if (b[i] == '[') {
            int close = i + 1;
            while (close < to && close - i <= MAX_PID && b[close] != ']') {
                close++;
            }
            if (close >= to || b[close] != ']' || close + 1 >= to || b[close + 1] != ':') {
                return;
            }
            pid = utf8(b, i + 1, close);
            i = close + 1;
        }
        if (b[i] != ':') {
            return;
        }
        m.appName = utf8(b, p, tagEnd);
        m.procId = pid == null || pid.isEmpty() ? null : pid;
        i++;
        if (i < to && b[i] == ' ') {
            i++;
        }
        m.msgFrom = i;
    }

    /** {@code Mmm dd hh:mm:ss[.fff]} (day space- or zero-padded, or one digit); returns the index after it, or -1. */
    private int bsdTimestamp(byte[] b, int p, int to, SyslogMessage m) {
        if (to - p < 14) {
            return -1;
        }
        int month = month(b, p);
        if (month < 0 || b[p + 3] != ' ') {
            return -1;
        }
        int i = p + 4;
        if (b[i] == ' ') {
            i++;
        }
        int day = 0;
        int digits = 0;
        while (i < to && isDigit(b[i]) && digits < 2) {
            day = day * 10 + (b[i++] - '0');
            digits++;
        }
        if (digits == 0 || i + 9 > to || b[i] != ' ') {
            return -1;
        }
        i++;
        int[] hms = new int[3];
        for (int k = 0; k < 3; k++) {
            if (!isDigit(b[i]) || !isDigit(b[i + 1]) || k < 2 && b[i + 2] != ':') {
                return -1;
            }
            hms[k] = (b[i] - '0') * 10 + (b[i + 1] - '0');
            i += k < 2 ? 3 : 2;
        }
        int nanos = 0;
        if (i < to && b[i] == '.') {
            int scale = 100_000_000;
            int j = i + 1;
            while (j < to && isDigit(b[j]) && j - i <= 9) {
                nanos += (b[j] - '0') * scale;
                scale /= 10;
                j++;
            }
            if (j == i + 1) {
                return -1;
            }
            i = j;
        }
        if (i < to && b[i] != ' ') {
            return -1;
        }
        try {
            Instant now = clock.instant();
            Instant latest = now.plus(FUTURE_SLACK);
            int year = now.atZone(zone).getYear();
            LocalDateTime local = LocalDateTime.of(year, month, day, hms[0], hms[1], hms[2], nanos);
            Instant t = local.atZone(zone).toInstant();
            Instant next = local.withYear(year + 1).atZone(zone).toInstant();
            if (!next.isAfter(latest)) {
                t = next; // Jan 1 00:30 received on Dec 31 at 23:00 from a sender a little ahead
            } else if (t.isAfter(latest)) {
                t = local.withYear(year - 1).atZone(zone).toInstant(); // Dec 31 received on Jan 1
            }
            m.timeNanos = nanos(t);
        } catch (DateTimeException | ArithmeticException e) {
            return -1; // Feb 30, 25:00: not a timestamp
        }
        return i;
    }

    private static int month(byte[] b, int p) {
        for (int k = 0; k < MONTHS.length; k++) {
            String name = MONTHS[k];
            if ((b[p] | 0x20) == name.charAt(0) && (b[p + 1] | 0x20) == name.charAt(1)
                    && (b[p + 2] | 0x20) == name.charAt(2)) {
                return k + 1;
            }
        }
        return -1;
    }

    /** An RFC 3339 / ISO 8601 date-time word ({@code 2026-12-02T02:07:07[.fff][zone]}); index after it, or -1. */
    private int isoTimestamp(byte[] b, int p, int to, SyslogMessage m) {
        if (to - p < 19 || !isDigit(b[p]) || !isDigit(b[p + 3]) || b[p + 4] != '-' || b[p + 10] != 'T') {
            return -1;
        }
        int end = p;
        while (end < to && b[end] != ' ' && end - p < 40) {
            end++;
        }
        String text = ascii(b, p, end);
        long t = rfc3339(text);
        if (t == SyslogMessage.NO_TIME) {
            try {
                t = nanos(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(zone).toInstant());
            } catch (DateTimeParseException | ArithmeticException e) {
                return -1;
            }
        }
        m.timeNanos = t;
        return end;
    }

    /** Epoch ns of an RFC 3339 timestamp with its offset, or {@link SyslogMessage#NO_TIME}. */
    private static long rfc3339(String text) {
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text);
            return nanos(OffsetDateTime.from(t).toInstant());
        } catch (DateTimeException | ArithmeticException e) {
            return SyslogMessage.NO_TIME;
        }
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    /** The end of a header word starting at p and followed by a space; -1 if empty or not followed by one. */
    private static int token(byte[] b, int p, int to) {
        int i = p;
        while (i < to && b[i] != ' ') {
            i++;
        }
        return i == p || i >= to ? -1 : i;
    }

    private static boolean nil(byte[] b, int from, int to) {
        return to - from == 1 && b[from] == '-';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static String utf8(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
