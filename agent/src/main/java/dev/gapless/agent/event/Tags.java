package dev.gapless.agent.event;

import java.util.ArrayList;
import java.util.List;

/** Bit flags an input sets on an event; each becomes a string in the envelope's {@code tags}. */
public final class Tags {

    /** The line was longer than the input's {@code max_line_bytes} and was cut. */
    public static final int TRUNCATED = 1;
    /** The message was not valid UTF-8; encoders replace bad bytes with U+FFFD. */
    public static final int INVALID_UTF8 = 1 << 1;
    /** A syslog input could not parse the message as RFC 5424 or RFC 3164: its raw text is the message. */
    public static final int SYSLOG_PARSE_FAILED = 1 << 2;

    private Tags() {
    }

    /** The bit of a built-in tag by its envelope name; 0 for any other name (a free-form tag). */
    public static int bitOf(String name) {
        return switch (name) {
            case "truncated" -> TRUNCATED;
            case "invalid_utf8" -> INVALID_UTF8;
            case "_syslog_parse_failed" -> SYSLOG_PARSE_FAILED;
            default -> 0;
        };
    }

    /** The names of the bits set, in a new mutable list. */
    public static List<String> names(int tags) {
        List<String> out = new ArrayList<>(2);
        if ((tags & TRUNCATED) != 0) {
            out.add("truncated");
        }
        if ((tags & INVALID_UTF8) != 0) {
            out.add("invalid_utf8");
        }
        if ((tags & SYSLOG_PARSE_FAILED) != 0) {
            out.add("_syslog_parse_failed");
        }
        return out;
    }
}
