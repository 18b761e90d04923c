package dev.gapless.config.condition;

import dev.gapless.config.BoundedText;
import dev.gapless.config.FieldPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A {@code when:} expression, parsed when the config loads ({@link #parse}) and evaluated per event. The syntax is
 * the README's "Conditions": field paths ({@code source}, {@code message}, {@code tags}, {@code fields.a.b},
 * {@code fields."a.b"}), string, number, boolean and null literals, lists of literals, the comparisons
 * {@code == != < <= > >=}, regex match {@code =~ !~}, {@code in}, {@code exists(path)}, {@code !}, {@code &&},
 * {@code ||} and parentheses. Evaluation never throws: a missing field or a type mismatch makes a comparison false.
 * A regex match has a budget ({@link #REGEX_STEPS_PER_CHAR}, {@link #REGEX_MAX_STEPS}, {@link #REGEX_TIMEOUT}): one
 * that runs out of it (or of stack) makes its comparison false, for {@code =~} and {@code !~} alike (it could not be
 * decided), and is counted ({@link #regexTimeouts}). Immutable but for those counters, and thread-safe: several
 * threads evaluate one condition at once.
 */
public abstract sealed class Condition permits Condition.And, Condition.Or, Condition.Not, Condition.Compare,
        Condition.Exists, Condition.Truthy {

    /** The roots a path may start with: what both an event in a filter and a record at an output have. */
    public static final List<String> ROOTS = List.of("source", "message", "tags", "fields");

    /** The longest condition accepted: a config holds a few dozen characters, not kilobytes. */
    public static final int MAX_LENGTH = 4096;

    /** Characters one regex comparison may read per character of its text (grok's default). */
    public static final int REGEX_STEPS_PER_CHAR = 200;
    /** The most characters one regex comparison may read, however long its text: past it, the comparison is false. */
    public static final long REGEX_MAX_STEPS = 20_000_000;
    /** The longest one regex comparison may take: past it, the comparison is false. */
    public static final Duration REGEX_TIMEOUT = Duration.ofMillis(100);

    /** What a condition looks at: the event (or record) it is evaluated on. */
    public interface Subject {

        /**
         * The value at {@code path}: a String, a Number (Long or Double), a Boolean, a List, a Map, or null when the
         * path is missing (or leads through something that is no map).
         */
        Object value(FieldPath path);
    }

    private final String text;

    Condition(String text) {
        this.text = text;
    }

    /**
     * Parses a condition.
     *
     * @throws ConditionSyntaxException with the 0-based index of the character where it went wrong
     */
    public static Condition parse(String text) throws ConditionSyntaxException {
        return new ConditionParser(text).parse();
    }

    /** Whether the subject passes. */
    public abstract boolean test(Subject subject);

    /**
     * How many regex comparisons in this condition ran out of their budget, over all its evaluations so far: each
     * was taken as false. Safe to read from any thread.
     */
    public abstract long regexTimeouts();

    /** The expression as written. */
    @Override
    public String toString() {
        return text;
    }

    static final class And extends Condition {
        private final Condition left;
        private final Condition right;

        And(String text, Condition left, Condition right) {
            super(text);
            this.left = left;
            this.right = right;
        }

        @Override
        public boolean test(Subject s) {
            return left.test(s) && right.test(s);
        }

        @Override
        public long regexTimeouts() {
            return left.regexTimeouts() + right.regexTimeouts();
        }
    }

    static final class Or extends Condition {
        private final Condition left;
        private final Condition right;

        Or(String text, Condition left, Condition right) {
            super(text);
            this.left = left;
            this.right = right;
        }

        @Override
        public boolean test(Subject s) {
            return left.test(s) || right.test(s);
        }

        @Override
        public long regexTimeouts() {
            return left.regexTimeouts() + right.regexTimeouts();
        }
    }

    static final class Not extends Condition {
        private final Condition inner;

        Not(String text, Condition inner) {
            super(text);
            this.inner = inner;
        }

        @Override
        public boolean test(Subject s) {
            return !inner.test(s);
        }

        @Override
        public long regexTimeouts() {
            return inner.regexTimeouts();
        }
    }

    /** {@code exists(path)}: the path holds a value, even an empty one (JSON null reads as missing). */
    static final class Exists extends Condition {
        private final FieldPath path;

        Exists(String text, FieldPath path) {
            super(text);
            this.path = path;
        }

        @Override
        public boolean test(Subject s) {
            return s.value(path) != null;
        }

        @Override
        public long regexTimeouts() {
            return 0;
        }
    }

    /** A bare path: true when it holds something other than false, null, an empty string or an empty list. */
    static final class Truthy extends Condition {
        private final FieldPath path;

        Truthy(String text, FieldPath path) {
            super(text);
            this.path = path;
        }

        @Override
        public boolean test(Subject s) {
            Object v = s.value(path);
            if (v == null || Boolean.FALSE.equals(v)) {
                return false;
            }
            if (v instanceof String str) {
                return !str.isEmpty();
            }
            if (v instanceof List<?> l) {
                return !l.isEmpty();
            }
            return !(v instanceof Map<?, ?> m) || !m.isEmpty();
        }

        @Override
        public long regexTimeouts() {
            return 0;
        }
    }

    /** An operand: a path read from the subject, or a literal (a String, Long, Double, Boolean, List or null). */
    record Operand(FieldPath path, Object literal) {
        Object value(Subject s) {
            return path != null ? s.value(path) : literal;
        }
    }

    enum Op {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), MATCH("=~"), NO_MATCH("!~"), IN("in");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    static final class Compare extends Condition {
        private final Operand left;
        private final Op op;
        private final Operand right;
        private final Pattern regex; // for MATCH and NO_MATCH: the right side, compiled when parsed
        private final LongAdder timeouts = new LongAdder(); // regex matches that ran out of budget (or stack)

        Compare(String text, Operand left, Op op, Operand right, Pattern regex) {
            super(text);
            this.left = left;
            this.op = op;
            this.right = right;
            this.regex = regex;
        }

        @Override
        public boolean test(Subject s) {
            Object a = left.value(s);
            return switch (op) {
                case EQ -> a != null && same(a, right.value(s));
                case NE -> !(a != null && same(a, right.value(s)));
                case LT -> comparable(a, right.value(s)) && order(a, right.value(s)) < 0;
                case LE -> comparable(a, right.value(s)) && order(a, right.value(s)) <= 0;
                case GT -> comparable(a, right.value(s)) && order(a, right.value(s)) > 0;
                case GE -> comparable(a, right.value(s)) && order(a, right.value(s)) >= 0;
                case MATCH -> find(scalarText(a)) == Found.YES;
                case NO_MATCH -> find(scalarText(a)) == Found.NO;
                case IN -> contains(right.value(s), a);
            };
        }

        @Override
        public long regexTimeouts() {
            return timeouts.sum();
        }

        /** What a regex match decided: no text at all (a missing field, a map, a list) counts as no match. */
        private enum Found { YES, NO, UNDECIDED }

        /**
         * Looks for the regex in {@code text} within the budget. Out of it, or out of stack (java.util.regex recurses
         * once per repetition of a group such as {@code (a|b)+}, so a long text overflows any stack), counts a timeout
         * and is undecided: the condition never throws, and an output's route must not fail the same batch forever.
         */
        private Found find(String text) {
            if (text == null) {
                return Found.NO;
            }
            long steps = Math.min(REGEX_STEPS_PER_CHAR * (text.length() + 1L), REGEX_MAX_STEPS);
            try {
                BoundedText bounded = new BoundedText().reset(text, steps, REGEX_TIMEOUT.toNanos());
                return bounded.find(regex.matcher(bounded)) ? Found.YES : Found.NO;
            } catch (BoundedText.Exhausted e) { // out of budget, or of stack
                timeouts.increment();
                return Found.UNDECIDED;
            }
        }

        /** Equality without coercion, except that numbers compare by value whatever their Java type. */
        private static boolean same(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return compareNumbers(x, y) == 0;
            }
            return Objects.equals(a, b);
        }

        private static boolean comparable(Object a, Object b) {
            return a instanceof Number && b instanceof Number || a instanceof String && b instanceof String;
        }

        /** Only meaningful when {@link #comparable}; 0 otherwise. */
        private static int order(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return compareNumbers(x, y);
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareTo(y);
            }
            return 0;
        }

        private static int compareNumbers(Number x, Number y) {
            if ((x instanceof Long || x instanceof Integer) && (y instanceof Long || y instanceof Integer)) {
                return Long.compare(x.longValue(), y.longValue());
            }
            return Double.compare(x.doubleValue(), y.doubleValue());
        }

        /** A string as it is, a number or boolean as JSON writes it; null for anything else. */
        private static String scalarText(Object v) {
            if (v instanceof String str) {
                return str;
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            return null;
        }

        /** {@code needle in haystack}: an element of a list, or a substring of a string. */
        private static boolean contains(Object haystack, Object needle) {
            if (needle == null) {
                return false;
            }
            if (haystack instanceof List<?> list) {
                for (Object item : list) {
                    if (same(needle, item)) {
                        return true;
                    }
                }
                return false;
            }
            return haystack instanceof String str && needle instanceof String n && str.contains(n);
        }
    }
}
