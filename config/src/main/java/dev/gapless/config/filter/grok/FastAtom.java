package dev.gapless.config.filter.grok;

import java.util.Map;

/**
 * Shipped patterns matched by code instead of the regex engine, for {@link GrokPlan}. Each returns exactly where its
 * shipped definition's regex, run with {@code lookingAt()} from {@code pos} (transparent bounds), would end its
 * match, or {@link #NO_MATCH}; or {@link #UNDECIDED} where the answer hangs on a detail the code does not model
 * (a word boundary next to a non-ASCII letter, whose meaning changed between Java releases), and the regex is asked
 * instead. {@code FastAtomTest} holds each to its regex on generated text. An atom is used only while its name, and
 * every name it refers to, still means the shipped definition.
 */
public enum FastAtom {

    NOTSPACE {
        @Override
        public int match(String s, int pos) {
            int i = pos;
            while (i < s.length() && !space(s.charAt(i))) {
                i++;
            }
            return i > pos ? i : NO_MATCH;
        }
    },
    SPACE {
        @Override
        public int match(String s, int pos) {
            int i = pos;
            while (i < s.length() && space(s.charAt(i))) {
                i++;
            }
            return i;
        }
    },
    WORD {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !wordAscii(s.charAt(pos))) {
                return NO_MATCH;
            }
            int before = boundaryBefore(s, pos);
            if (before != MATCHED) {
                return before;
            }
            int i = pos + 1;
            while (i < s.length() && wordAscii(s.charAt(i))) {
                i++;
            }
            return i < s.length() && s.charAt(i) >= 0x80 ? UNDECIDED : i;
        }
    },
    INT {
        @Override
        public int match(String s, int pos) {
            int i = sign(s, pos);
            int end = digits(s, i);
            return end > i ? end : NO_MATCH;
        }
    },
    POSINT {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || s.charAt(pos) < '1' || s.charAt(pos) > '9') {
                return NO_MATCH;
            }
            return boundedDigits(s, pos);
        }
    },
    NONNEGINT {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !digit(s.charAt(pos))) {
                return NO_MATCH;
            }
            return boundedDigits(s, pos);
        }
    },
    BASE10NUM {
        @Override
        public int match(String s, int pos) {
            if (pos > 0) {
                char p = s.charAt(pos - 1);
                if (digit(p) || p == '.' || p == '+' || p == '-') {
                    return NO_MATCH;
                }
            }
            int i = sign(s, pos);
            int end = digits(s, i);
            if (end > i) {
                return end + 1 < s.length() && s.charAt(end) == '.' && digit(s.charAt(end + 1))
                        ? digits(s, end + 1) : end;
            }
            return i + 1 < s.length() && s.charAt(i) == '.' && digit(s.charAt(i + 1)) ? digits(s, i + 1) : NO_MATCH;
        }
    },
    NUMBER {
        @Override
        public int match(String s, int pos) {
            return BASE10NUM.match(s, pos);
        }
    },
    USERNAME {
        @Override
        public int match(String s, int pos) {
            int i = pos;
            while (i < s.length() && userChar(s.charAt(i))) {
                i++;
            }
            return i > pos ? i : NO_MATCH;
        }
    },
    USER {
        @Override
        public int match(String s, int pos) {
            return USERNAME.match(s, pos);
        }
    },
    HOSTNAME {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !alnum(s.charAt(pos))) {
                return NO_MATCH;
            }
            int before = boundaryBefore(s, pos);
            if (before != MATCHED) {
                return before;
            }
            int i = label(s, pos);
            while (i + 1 < s.length() && s.charAt(i) == '.' && alnum(s.charAt(i + 1))) {
                i = label(s, i + 1);
            }
            return i < s.length() && s.charAt(i) == '.' ? i + 1 : i;
        }
    },
    EMAILADDRESS {
        @Override
        public int match(String s, int pos) {
            int i = pos;
            while (i < s.length() && emailLocalChar(s.charAt(i))) {
                i++;
            }
            if (i == pos || i >= s.length() || s.charAt(i) != '@') {
                return NO_MATCH;
            }
            return HOSTNAME.match(s, i + 1);
        }
    },
    HTTPDUSER {
        @Override
        public int match(String s, int pos) {
            int email = EMAILADDRESS.match(s, pos);
            return email != NO_MATCH ? email : USERNAME.match(s, pos);
        }
    },
    QUOTEDSTRING {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length()) {
                return NO_MATCH;
            }
            char quote = s.charAt(pos);
            if (quote != '"' && quote != '\'' && quote != '`') {
                return NO_MATCH;
            }
            int i = pos + 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == quote) {
                    return i + 1;
                }
                if (c == '\\') {
                    // "\\." : a backslash and one code point that is no line terminator; else the run ends here,
                    // at a backslash that is not the closing quote, and the expression fails.
                    if (i + 1 >= s.length() || lineTerminator(s.charAt(i + 1))) {
                        return NO_MATCH;
                    }
                    i += Character.isHighSurrogate(s.charAt(i + 1)) && i + 2 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 2)) ? 3 : 2;
                } else {
                    i++;
                }
            }
            return NO_MATCH;
        }
    },
    QS {
        @Override
        public int match(String s, int pos) {
            return QUOTEDSTRING.match(s, pos);
        }
    },
    IPV4 {
        @Override
        public int match(String s, int pos) {
            if (pos > 0 && digit(s.charAt(pos - 1))) {
                return NO_MATCH;
            }
            int i = pos;
            for (int octet = 0; octet < 4; octet++) {
                if (octet > 0) {
                    if (i >= s.length() || s.charAt(i) != '.') {
                        return NO_MATCH;
                    }
                    i++;
                }
                int end = digits(s, i);
                if (!octet(s, i, end)) {
                    return NO_MATCH;
                }
                i = end;
            }
            return i;
        }
    },
    /**
     * {@code IPV6|IPV4}. Every form of IPv6 has a colon among its first five characters; without one, only the IPv4
     * form can match. With one, the regex decides.
     */
    IP {
        @Override
        public int match(String s, int pos) {
            int v4 = IPV4.match(s, pos);
            if (v4 != NO_MATCH) {
                return v4;
            }
            return colonSoon(s, pos) ? UNDECIDED : NO_MATCH;
        }
    },
    /** {@code IP|HOSTNAME}: an address when one matches, else a host name. */
    IPORHOST {
        @Override
        public int match(String s, int pos) {
            int ip = IP.match(s, pos);
            return ip == NO_MATCH ? HOSTNAME.match(s, pos) : ip;
        }
    },
    /** {@code 3[01]|[12]\d|0?[1-9]} */
    MONTHDAY {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !digit(s.charAt(pos))) {
                return NO_MATCH;
            }
            char a = s.charAt(pos);
            char b = pos + 1 < s.length() ? s.charAt(pos + 1) : ' ';
            if (a == '3' && (b == '0' || b == '1') || (a == '1' || a == '2') && digit(b)
                    || a == '0' && b >= '1' && b <= '9') {
                return pos + 2;
            }
            return a == '0' ? NO_MATCH : pos + 1;
        }
    },
    /** {@code 0[1-9]|1[0-2]} */
    MONTHNUM2 {
        @Override
        public int match(String s, int pos) {
            if (pos + 1 >= s.length()) {
                return NO_MATCH;
            }
            char a = s.charAt(pos);
            char b = s.charAt(pos + 1);
            return a == '0' && b >= '1' && b <= '9' || a == '1' && b >= '0' && b <= '2' ? pos + 2 : NO_MATCH;
        }
    },
    /** The English month names and their three-letter forms, capital or not, between word boundaries. */
    MONTH {
        @Override
        public int match(String s, int pos) {
            if (pos + 3 > s.length()) {
                return NO_MATCH;
            }
            int before = boundaryBefore(s, pos);
            if (before != MATCHED) {
                return alnum(s.charAt(pos)) ? before : NO_MATCH;
            }
            char first = Character.toLowerCase(s.charAt(pos));
            String three = first + s.substring(pos + 1, pos + 3);
            int i = pos + 3;
            String rest = switch (three) {
                case "jan" -> "uary";
                case "feb" -> "ruary";
                case "mar" -> "ch";
                case "apr" -> "il";
                case "may" -> "";
                case "jun" -> "e";
                case "jul" -> "y";
                case "aug" -> "ust";
                case "sep" -> "tember";
                case "oct" -> "ober";
                case "nov", "dec" -> "ember";
                default -> null;
            };
            if (rest == null || s.charAt(pos) != first && s.charAt(pos) != Character.toUpperCase(first)) {
                return NO_MATCH;
            }
            if (three.equals("sep") && i < s.length() && s.charAt(i) == 't') {
                i = s.startsWith("ember", i + 1) ? i + 6 : i + 1; // Sep, Sept, September
            } else if (!rest.isEmpty() && s.startsWith(rest, i)) {
                i += rest.length();
            }
            return boundaryAfterWord(s, i);
        }
    },
    /** {@code \d\d(?:\d\d)?+} */
    YEAR {
        @Override
        public int match(String s, int pos) {
            if (pos + 2 > s.length() || !digit(s.charAt(pos)) || !digit(s.charAt(pos + 1))) {
                return NO_MATCH;
            }
            return pos + 4 <= s.length() && digit(s.charAt(pos + 2)) && digit(s.charAt(pos + 3)) ? pos + 4 : pos + 2;
        }
    },
    /** {@code 2[0-3]|[01]?\d} */
    HOUR {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !digit(s.charAt(pos))) {
                return NO_MATCH;
            }
            char a = s.charAt(pos);
            char b = pos + 1 < s.length() ? s.charAt(pos + 1) : ' ';
            if (a == '2' && b >= '0' && b <= '3' || (a == '0' || a == '1') && digit(b)) {
                return pos + 2;
            }
            return pos + 1;
        }
    },
    /** {@code [0-5]\d} */
    MINUTE {
        @Override
        public int match(String s, int pos) {
            return pos + 1 < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '5' && digit(s.charAt(pos + 1))
                    ? pos + 2 : NO_MATCH;
        }
    },
    /** {@code (?:60|[0-5]?\d)(?:[.,]\d++)?+} */
    SECOND {
        @Override
        public int match(String s, int pos) {
            if (pos >= s.length() || !digit(s.charAt(pos))) {
                return NO_MATCH;
            }
            char a = s.charAt(pos);
            char b = pos + 1 < s.length() ? s.charAt(pos + 1) : ' ';
            int i = a == '6' && b == '0' || a <= '5' && digit(b) ? pos + 2 : pos + 1;
            if (i + 1 < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ',') && digit(s.charAt(i + 1))) {
                i = digits(s, i + 1);
            }
            return i;
        }
    },
    GREEDYDATA {
        @Override
        public int match(String s, int pos) {
            int i = pos;
            while (i < s.length() && !lineTerminator(s.charAt(i))) {
                i++;
            }
            return i;
        }
    };

    /** No match at the position. */
    public static final int NO_MATCH = -1;
    /** The code cannot tell: ask the regex. */
    public static final int UNDECIDED = -2;
    private static final int MATCHED = -3;

    /** The atoms by pattern name. */
    public static final Map<String, FastAtom> BY_NAME = byName();

    /**
     * Where the shipped pattern of this name, matched from {@code pos}, ends: an index in {@code pos..length},
     * {@link #NO_MATCH} or {@link #UNDECIDED}.
     */
    public abstract int match(String s, int pos);

    private static Map<String, FastAtom> byName() {
        Map<String, FastAtom> m = new java.util.HashMap<>();
        for (FastAtom a : values()) {
            m.put(a.name(), a);
        }
        return Map.copyOf(m);
    }

    /** {@code \s}: Java's ASCII whitespace. */
    static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** What {@code .} does not match (no DOTALL, no UNIX_LINES). */
    static boolean lineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean alnum(char c) {
        return digit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean wordAscii(char c) {
        return alnum(c) || c == '_';
    }

    private static boolean userChar(char c) {
        return alnum(c) || c == '.' || c == '_' || c == '-';
    }

    private static boolean emailLocalChar(char c) {
        return alnum(c) || c == '_' || c == '.' || c == '+' || c == '-';
    }

    /**
     * {@code \b} before a word character at {@code pos}: {@link #MATCHED} when the character before is no word
     * character, {@link #NO_MATCH} when it is one, {@link #UNDECIDED} when it is not ASCII.
     */
    private static int boundaryBefore(String s, int pos) {
        if (pos == 0) {
            return MATCHED;
        }
        char p = s.charAt(pos - 1);
        if (p >= 0x80) {
            return UNDECIDED;
        }
        return wordAscii(p) ? NO_MATCH : MATCHED;
    }

    /** {@code \b} after the word character before {@code i}: {@code i}, {@link #NO_MATCH} or {@link #UNDECIDED}. */
    private static int boundaryAfterWord(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c >= 0x80) {
            return UNDECIDED;
        }
        return wordAscii(c) ? NO_MATCH : i;
    }

    /** A colon among the five characters from {@code pos}: where every IPv6 form has its first. */
    private static boolean colonSoon(String s, int pos) {
        for (int i = pos, end = Math.min(s.length(), pos + 5); i < end; i++) {
            if (s.charAt(i) == ':') {
                return true;
            }
        }
        return false;
    }

    /** {@code [+-]?+} */
    private static int sign(String s, int i) {
        return i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-') ? i + 1 : i;
    }

    /** The end of the run of ASCII digits from {@code i}. */
    private static int digits(String s, int i) {
        while (i < s.length() && digit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {@code \d*+\b} after a digit at {@code pos} that follows a {@code \b}. */
    private static int boundedDigits(String s, int pos) {
        int before = boundaryBefore(s, pos);
        if (before != MATCHED) {
            return before;
        }
        int end = digits(s, pos + 1);
        if (end < s.length()) {
            char c = s.charAt(end);
            if (c >= 0x80) {
                return UNDECIDED;
            }
            if (wordAscii(c)) {
                return NO_MATCH;
            }
        }
        return end;
    }

    /** A host label from the alphanumeric character at {@code i}: it and up to 62 of {@code [0-9A-Za-z-]}. */
    private static int label(String s, int i) {
        int max = Math.min(s.length(), i + 63);
        int j = i + 1;
        while (j < max && (alnum(s.charAt(j)) || s.charAt(j) == '-')) {
            j++;
        }
        return j;
    }

    /** {@code 25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d} as the whole of {@code s[from, to)}. */
    private static boolean octet(String s, int from, int to) {
        int len = to - from;
        if (len == 0) {
            return false;
        }
        if (len == 1) {
            return true;
        }
        char a = s.charAt(from);
        if (len == 2) {
            return a != '0';
        }
        if (len != 3) {
            return false;
        }
        char b = s.charAt(from + 1);
        char c = s.charAt(from + 2);
        return a == '1' || a == '2' && (b <= '4' || b == '5' && c <= '5');
    }
}
