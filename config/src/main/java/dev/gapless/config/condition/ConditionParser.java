package dev.gapless.config.condition;

import dev.gapless.config.FieldPath;
import dev.gapless.config.condition.Condition.Op;
import dev.gapless.config.condition.Condition.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A recursive-descent parser of the condition syntax, by precedence from loosest: {@code ||}, {@code &&}, {@code !},
 * then a comparison, {@code exists(…)}, a bare path or a parenthesised condition. Nesting is bounded
 * ({@link #MAX_DEPTH}), so a hostile config cannot overflow the stack.
 */
final class ConditionParser {

    /** Parentheses and {@code !} nested deeper than this are refused. */
    static final int MAX_DEPTH = 32;
    /** Items in one list literal, at most. */
    static final int MAX_LIST_ITEMS = 1024;

    private final String text;
    private int at;
    private int depth;

    ConditionParser(String text) {
        this.text = text;
    }

    Condition parse() throws ConditionSyntaxException {
        if (text.length() > Condition.MAX_LENGTH) {
            throw new ConditionSyntaxException("a condition of " + text.length() + " characters is longer than the "
                    + Condition.MAX_LENGTH + " allowed", Condition.MAX_LENGTH);
        }
        skipSpace();
        if (at == text.length()) {
            throw new ConditionSyntaxException("the condition is empty", 0);
        }
        Condition c = or();
        skipSpace();
        if (at < text.length()) {
            throw error("expected '&&', '||' or the end, got " + describeHere());
        }
        return c;
    }

    private Condition or() throws ConditionSyntaxException {
        int start = at;
        Condition left = and();
        while (take("||")) {
            Condition right = and();
            left = new Condition.Or(span(start), left, right);
        }
        return left;
    }

    private Condition and() throws ConditionSyntaxException {
        int start = at;
        Condition left = unary();
        while (take("&&")) {
            Condition right = unary();
            left = new Condition.And(span(start), left, right);
        }
        return left;
    }

    private Condition unary() throws ConditionSyntaxException {
        skipSpace();
        int start = at;
        if (peek('!') && !peekAt(1, '=') && !peekAt(1, '~')) {
            at++;
            enter();
            Condition inner = unary();
            depth--;
            return new Condition.Not(span(start), inner);
        }
        if (peek('(')) {
            at++;
            enter();
            Condition inner = or();
            depth--;
            skipSpace();
            if (!peek(')')) {
                throw error("expected ')' to close the '(' at character " + (start + 1) + ", got " + describeHere());
            }
            at++;
            return inner;
        }
        return comparison();
    }

    private Condition comparison() throws ConditionSyntaxException {
        skipSpace();
        int start = at;
        if (word("exists")) {
            skipSpace();
            if (!peek('(')) {
                throw error("expected '(' after exists, got " + describeHere());
            }
            at++;
            skipSpace();
            int pathAt = at;
            Operand p = operand();
            if (p.path() == null) {
                throw new ConditionSyntaxException("exists(…) takes a field path, such as exists(fields.user)", pathAt);
            }
            skipSpace();
            if (!peek(')')) {
                throw error("expected ')' to close exists(, got " + describeHere());
            }
            at++;
            return new Condition.Exists(span(start), p.path());
        }
        Operand left = operand();
        skipSpace();
        int opAt = at;
        Op op = operator();
        if (op == null) {
            if (left.path() == null) {
                throw error("expected a comparison (==, !=, <, <=, >, >=, =~, !~, in) after the literal, got "
                        + describeHere());
            }
            return new Condition.Truthy(span(start), left.path());
        }
        skipSpace();
        int rightAt = at;
        Operand right = operand();
        Pattern regex = null;
        if (op == Op.MATCH || op == Op.NO_MATCH) {
            if (!(right.literal() instanceof String source) || right.path() != null) {
                throw new ConditionSyntaxException(op.symbol + " takes a regular expression in quotes on its right",
                        rightAt);
            }
            try {
                regex = Pattern.compile(source);
            } catch (PatternSyntaxException e) {
                throw new ConditionSyntaxException("the regular expression does not compile: "
                        + e.getDescription() + " near index " + e.getIndex(), rightAt);
            }
        } else if (op != Op.EQ && op != Op.NE && op != Op.IN && right.literal() instanceof List) {
            throw new ConditionSyntaxException("a list can only be compared with ==, != or in", rightAt);
        } else if (op == Op.IN && right.path() == null && !(right.literal() instanceof List)
                && !(right.literal() instanceof String)) {
            throw new ConditionSyntaxException("in takes a list, a string or a field path on its right", rightAt);
        } else if (left.path() == null && right.path() == null) {
            throw new ConditionSyntaxException("the comparison has no field path on either side", opAt);
        }
        return new Condition.Compare(span(start), left, op, right, regex);
    }

    private Op operator() {
        if (take("==")) {
            return Op.EQ;
        }
        if (take("!=")) {
            return Op.NE;
        }
        if (take("=~")) {
            return Op.MATCH;
        }
        if (take("!~")) {
            return Op.NO_MATCH;
        }
        if (take("<=")) {
            return Op.LE;
        }
        if (take(">=")) {
            return Op.GE;
        }
        if (take("<")) {
            return Op.LT;
        }
        if (take(">")) {
            return Op.GT;
        }
        if (word("in")) {
            return Op.IN;
        }
        return null;
    }

    /** A path, a string, a number, true, false, null or a list of literals. */
    private Operand operand() throws ConditionSyntaxException {
        skipSpace();
        if (at == text.length()) {
            throw error("expected a field path or a value, got the end");
        }
        char c = text.charAt(at);
        if (c == '"' || c == '\'') {
            return new Operand(null, string());
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return new Operand(null, number());
        }
        if (c == '[') {
            return new Operand(null, list());
        }
        if (word("true")) {
            return new Operand(null, Boolean.TRUE);
        }
        if (word("false")) {
            return new Operand(null, Boolean.FALSE);
        }
        if (word("null")) {
            return new Operand(null, null);
        }
        return new Operand(path(), null);
    }

    private FieldPath path() throws ConditionSyntaxException {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                at++;
                while (at < text.length() && text.charAt(at) != '"') {
                    at += text.charAt(at) == '\\' ? 2 : 1;
                }
                if (at >= text.length()) {
                    throw new ConditionSyntaxException("the quote at character " + (start + 1) + " is not closed",
                            start);
                }
                at++;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '@' || c == '-' && at > start) {
                at++;
            } else {
                break;
            }
        }
        if (at == start) {
            throw error("expected a field path (" + String.join(", ", Condition.ROOTS) + ") or a value, got "
                    + describeHere());
        }
        String raw = text.substring(start, at);
        FieldPath path;
        try {
            path = FieldPath.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConditionSyntaxException("'" + raw + "' is not a field path: " + e.getMessage(), start);
        }
        String root = path.segments().get(0);
        if (!Condition.ROOTS.contains(root)) {
            throw new ConditionSyntaxException("unknown field '" + root + "': a path starts with one of "
                    + String.join(", ", Condition.ROOTS), start);
        }
        if (!root.equals("fields") && path.segments().size() > 1) {
            throw new ConditionSyntaxException("'" + root + "' has no keys under it; only fields.… does", start);
        }
        return path;
    }

    private String string() throws ConditionSyntaxException {
        int start = at;
        char quote = text.charAt(at++);
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\' && at < text.length()) {
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '\\', '"', '\'' -> out.append(e);
                    // Any other escape stays as written, so a regex such as "\d+" needs no doubled backslash.
                    default -> out.append('\\').append(e);
                }
            } else {
                out.append(c);
            }
        }
        throw new ConditionSyntaxException("the quote at character " + (start + 1) + " is not closed", start);
    }

    private Object number() throws ConditionSyntaxException {
        int start = at;
        if (peek('-')) {
            at++;
        }
        boolean fraction = false;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c >= '0' && c <= '9') {
                at++;
            } else if (c == '.' || c == 'e' || c == 'E'
                    || (c == '+' || c == '-') && "eE".indexOf(text.charAt(at - 1)) >= 0) {
                fraction = true;
                at++;
            } else {
                break;
            }
        }
        String raw = text.substring(start, at);
        try {
            return fraction ? (Object) Double.parseDouble(raw) : (Object) Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConditionSyntaxException("'" + raw + "' is not a number", start);
        }
    }

    private List<Object> list() throws ConditionSyntaxException {
        int start = at++;
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek(']')) {
            at++;
            return items;
        }
        while (true) {
            skipSpace();
            int itemAt = at;
            Operand item = operand();
            if (item.path() != null || item.literal() instanceof List) {
                throw new ConditionSyntaxException("a list holds strings, numbers, booleans or null", itemAt);
            }
            if (items.size() == MAX_LIST_ITEMS) {
                throw new ConditionSyntaxException("a list of more than " + MAX_LIST_ITEMS + " items", itemAt);
            }
            items.add(item.literal());
            skipSpace();
            if (peek(',')) {
                at++;
            } else if (peek(']')) {
                at++;
                return items;
            } else {
                throw error("expected ',' or ']' in the list opened at character " + (start + 1) + ", got "
                        + describeHere());
            }
        }
    }

    private void enter() throws ConditionSyntaxException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Takes {@code symbol} after any space, if it is next. */
    private boolean take(String symbol) {
        skipSpace();
        if (text.startsWith(symbol, at)) {
            at += symbol.length();
            return true;
        }
        return false;
    }

    /** Takes the keyword {@code w} if it is next and not the start of a longer name. */
    private boolean word(String w) {
        skipSpace();
        int end = at + w.length();
        if (text.startsWith(w, at) && (end == text.length() || !isNameChar(text.charAt(end)))) {
            at = end;
            return true;
        }
        return false;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '"' || c == '@' || c == '-';
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private boolean peekAt(int ahead, char c) {
        return at + ahead < text.length() && text.charAt(at + ahead) == c;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private String span(int start) {
        return text.substring(start, at).trim();
    }

    private String describeHere() {
        if (at >= text.length()) {
            return "the end";
        }
        int end = Math.min(text.length(), at + 12);
        return "'" + text.substring(at, end) + (end < text.length() ? "…" : "") + "'";
    }

    private ConditionSyntaxException error(String message) {
        return new ConditionSyntaxException(message, at);
    }
}
