package dev.gapless.config.filter.grok;

import dev.gapless.config.filter.grok.GrokPlan.Atom;
import dev.gapless.config.filter.grok.GrokPlan.Choice;
import dev.gapless.config.filter.grok.GrokPlan.Close;
import dev.gapless.config.filter.grok.GrokPlan.Fragment;
import dev.gapless.config.filter.grok.GrokPlan.Literal;
import dev.gapless.config.filter.grok.GrokPlan.Open;
import dev.gapless.config.filter.grok.GrokPlan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a grok expression into a {@link GrokPlan}. It reads the expression's top level token by token: a plain
 * character (or an escaped punctuation mark) is literal text; {@code %{NAME}} and {@code (?:...)} are opened up into
 * their own steps, {@code %{NAME:capture}} and {@code (?<name>...)} as well between an open and a close of their
 * capture, and a name with a {@link FastAtom} becomes that atom; anything else (a class, an anchor, a lookaround,
 * a quantified token) joins the fragment the regex engine runs. A part that cannot be cut (a {@code |} at its top
 * level) stays one fragment. Expressions with back-references or inline flags get no plan: they need the whole
 * regex.
 */
final class GrokPlanner {

    /** How deep definitions are opened up; deeper ones stay fragments. Definitions rarely nest past five. */
    private static final int MAX_DEPTH = 16;

    private final GrokCompiler compiler;
    private final Map<String, String> definitions;
    private final Map<String, Boolean> shippedMeaning = new HashMap<>();
    private final StringBuilder pending = new StringBuilder();
    private List<Step> steps = new ArrayList<>();
    private int captures;
    private int slots;

    private GrokPlanner(GrokCompiler compiler, Map<String, String> definitions) {
        this.compiler = compiler;
        this.definitions = definitions;
    }

    /** The plan of {@code expression}, or null when it has none worth running (or none at all). */
    static GrokPlan plan(GrokCompiler compiler, Map<String, String> definitions, String expression,
                         CompiledPattern whole) {
        String regex = whole.pattern().pattern(); // expanded: a definition's back-reference counts too
        if (regex.contains("\\k<") || hasBackReference(regex)) {
            return null; // a fragment numbers its groups from 1: a reference could point at another group
        }
        GrokPlanner p = new GrokPlanner(compiler, definitions);
        try {
            if (!p.cut(expression, 0)) {
                return null;
            }
            p.flush();
        } catch (GrokException | Abort e) {
            return null;
        }
        if (p.captures != whole.captures().size()) {
            return null;
        }
        try {
            List<Step> steps = p.finish(p.steps);
            if (steps.size() == 1 && steps.get(0) instanceof Fragment) {
                return null; // the whole expression in one fragment: nothing gained
            }
            return new GrokPlan(steps, p.slots);
        } catch (GrokException e) {
            return null;
        }
    }

    /** Thrown where an expression must not be cut at all. */
    private static final class Abort extends Exception {
        Abort() {
            super(null, null, false, false);
        }
    }

    /**
     * Appends the steps of {@code text}. Returns false, having appended nothing, when its top level holds a
     * {@code |}: the caller then runs it as one fragment.
     */
    private boolean cut(String text, int depth) throws GrokException, Abort {
        if (depth > MAX_DEPTH || topLevelAlternation(text)) {
            return false;
        }
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            int end;
            Token kind;
            if (c == '\\') {
                end = escapeEnd(text, i);
                kind = end == i + 2 && !Character.isLetterOrDigit(text.charAt(i + 1)) ? Token.LITERAL : Token.REGEX;
            } else if (text.startsWith("%{", i)) {
                end = text.indexOf('}', i) + 1;
                kind = Token.REFERENCE;
            } else if (c == '(') {
                end = groupEnd(text, i);
                kind = Token.GROUP;
            } else if (c == '[') {
                end = classEnd(text, i);
                kind = Token.REGEX;
            } else if (c == '.' || c == '^' || c == '$') {
                end = i + 1;
                kind = Token.REGEX;
            } else if (c == ')' || c == '|' || c == '*' || c == '+' || c == '?' || c == '{') {
                throw new Abort(); // no atom before it: not an expression this reads
            } else {
                end = i + 1;
                kind = Token.LITERAL;
            }
            int q = quantifierEnd(text, end);
            if (q > end) {
                String quantifier = text.substring(end, q);
                String body = optionalBody(text.substring(i, end), kind);
                if (body != null && (quantifier.equals("?") || quantifier.equals("?+"))) {
                    choice(text.substring(i, q), body, depth);
                } else {
                    pending.append(text, i, q); // any other quantified token is the engine's
                }
                i = q;
                continue;
            }
            String token = text.substring(i, end);
            switch (kind) {
                case LITERAL -> {
                    flush();
                    steps.add(new Literal(String.valueOf(token.charAt(token.length() - 1))));
                }
                case REGEX -> pending.append(token);
                case REFERENCE -> reference(token, depth);
                case GROUP -> group(token, depth);
                default -> throw new IllegalStateException();
            }
            i = end;
        }
        return true;
    }

    private enum Token { LITERAL, REGEX, REFERENCE, GROUP }

    private void reference(String token, int depth) throws GrokException, Abort {
        String[] parts = token.substring(2, token.length() - 1).split(":", -1);
        String name = parts[0];
        boolean capture = parts.length > 1;
        FastAtom atom = FastAtom.BY_NAME.get(name);
        if (atom != null && shipped(name)) {
            flush();
            int k = open(capture);
            steps.add(new Atom(atom, compiler.compile("%{" + name + "}"), -1)); // shipped atoms capture nothing
            close(capture, k);
            return;
        }
        openUp(token, definitions.get(name), capture, depth);
    }

    private void group(String token, int depth) throws GrokException, Abort {
        if (token.matches("\\(\\?[a-zA-Z-]*\\)")) {
            throw new Abort(); // (?i): flags for the rest of the expression
        }
        if (token.startsWith("(?:")) {
            openUp(token, token.substring(3, token.length() - 1), false, depth);
        } else if (token.startsWith("(?<") && token.length() > 3 && token.charAt(3) != '='
                && token.charAt(3) != '!') {
            openUp(token, token.substring(token.indexOf('>') + 1, token.length() - 1), true, depth);
        } else {
            pending.append(token); // a lookaround, an atomic or numbered group, flags with a body
        }
    }

    /**
     * Opens up {@code body} (a definition or a group's inside) as steps. A body with alternatives becomes a
     * {@link Choice} when it captures nothing itself, else {@code token} stays a fragment.
     */
    private void openUp(String token, String body, boolean capture, int depth) throws GrokException, Abort {
        flush();
        int mark = steps.size();
        int marked = captures;
        int k = open(capture);
        if (cut(body, depth + 1)) {
            flush();
            close(capture, k);
            return;
        }
        steps.subList(mark, steps.size()).clear();
        captures = marked;
        if (capture) {
            pending.append(token);
        } else {
            choice(token, body, depth);
        }
    }

    /**
     * A {@link Choice}: {@code token} (the group or reference with its quantifier) run whole by the engine,
     * {@code body}'s first alternative as steps tried before it.
     */
    private void choice(String token, String body, int depth) throws GrokException, Abort {
        flush();
        int bar = alternation(body);
        String first = bar < 0 ? body : body.substring(0, bar);
        CompiledPattern whole = compiler.compile(token);
        List<Step> outer = steps;
        int base = captures;
        steps = new ArrayList<>();
        boolean cut = depth < MAX_DEPTH && cut(first, depth + 1);
        if (cut) {
            flush();
        }
        List<Step> firstSteps = steps;
        steps = outer;
        if (!cut || captures - base > whole.captures().size()) {
            captures = base;
            pending.append(token);
            return;
        }
        captures = base + whole.captures().size();
        steps.add(new Choice(firstSteps, new Fragment(whole, base, -1)));
    }

    /**
     * The inside of a token that may be made optional as a {@link Choice}: a non-capturing group's, or the
     * definition of a reference without a capture; null for any other token.
     */
    private String optionalBody(String token, Token kind) {
        if (kind == Token.GROUP && token.startsWith("(?:")) {
            return token.substring(3, token.length() - 1);
        }
        if (kind == Token.REFERENCE && token.indexOf(':') < 0) {
            return definitions.get(token.substring(2, token.length() - 1));
        }
        return null;
    }

    private int open(boolean capture) {
        if (!capture) {
            return -1;
        }
        steps.add(new Open(captures));
        return captures++;
    }

    private void close(boolean capture, int k) {
        if (capture) {
            steps.add(new Close(k));
        }
    }

    /** Ends the fragment being gathered, if any. */
    private void flush() throws GrokException {
        if (pending.isEmpty()) {
            return;
        }
        CompiledPattern p = compiler.compile(pending.toString());
        steps.add(new Fragment(p, captures, -1));
        captures += p.captures().size();
        pending.setLength(0);
    }

    /** Whether {@code name}, with everything it refers to, means what the shipped library means by it. */
    private boolean shipped(String name) throws GrokException {
        Boolean known = shippedMeaning.get(name);
        if (known == null) {
            known = compiler.compile("%{" + name + "}").pattern().pattern().equals(Shipped.regex(name));
            shippedMeaning.put(name, known);
        }
        return known;
    }

    /** The shipped library's regexes of the atoms' names, made once. */
    private static final class Shipped {
        private static final Map<String, String> REGEX = build();

        static String regex(String name) {
            return REGEX.get(name);
        }

        private static Map<String, String> build() {
            GrokCompiler shipped = new GrokCompiler(GrokLibrary.definitions());
            Map<String, String> m = new HashMap<>();
            for (String name : FastAtom.BY_NAME.keySet()) {
                try {
                    m.put(name, shipped.compile("%{" + name + "}").pattern().pattern());
                } catch (GrokException e) {
                    throw new IllegalStateException("the shipped pattern " + name + " does not compile", e);
                }
            }
            return Map.copyOf(m);
        }
    }

    /**
     * The steps as run: adjacent literals joined, adjacent fragments compiled as one, and every step that needs a
     * matcher numbered.
     */
    private List<Step> finish(List<Step> in) throws GrokException {
        List<Step> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        Fragment fragment = null;
        for (Step s : in) {
            if (!(s instanceof Literal) && !text.isEmpty()) {
                out.add(new Literal(text.toString()));
                text.setLength(0);
            }
            if (!(s instanceof Fragment) && fragment != null) {
                out.add(numbered(fragment));
                fragment = null;
            }
            if (s instanceof Literal l) {
                text.append(l.text());
            } else if (s instanceof Fragment f) {
                fragment = fragment == null ? f : new Fragment(compiler.compile(
                        fragment.pattern().source() + f.pattern().source()), fragment.firstCapture(), -1);
            } else if (s instanceof Atom a) {
                out.add(new Atom(a.atom(), a.regex(), slots++));
            } else if (s instanceof Choice c) {
                out.add(new Choice(finish(c.first()), numbered(c.whole())));
            } else {
                out.add(s);
            }
        }
        if (!text.isEmpty()) {
            out.add(new Literal(text.toString()));
        }
        if (fragment != null) {
            out.add(numbered(fragment));
        }
        return out;
    }

    private Fragment numbered(Fragment f) {
        return new Fragment(f.pattern(), f.firstCapture(), slots++);
    }

    private static boolean hasBackReference(String text) {
        for (int i = 0; i + 1 < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                char next = text.charAt(i + 1);
                if (next >= '1' && next <= '9') {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    /** Whether a {@code |} stands at the top level of {@code text}, outside every group and class. */
    private static boolean topLevelAlternation(String text) throws Abort {
        return alternation(text) >= 0;
    }

    /** The index of the first {@code |} at the top level of {@code text}, or -1. */
    private static int alternation(String text) throws Abort {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '|') {
                return i;
            }
            if (c == '\\') {
                i = escapeEnd(text, i);
            } else if (c == '(') {
                i = groupEnd(text, i);
            } else if (c == '[') {
                i = classEnd(text, i);
            } else if (text.startsWith("%{", i)) {
                i = text.indexOf('}', i) + 1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * The end of the escape at {@code i}, its body included ({@code \x41}, {@code \x{1F600}}, {@code \u0041},
     * {@code \p{Lu}}, {@code \cA}, {@code \012}); quoting ({@code \Q...\E}) and named back-references are refused.
     */
    private static int escapeEnd(String text, int i) throws Abort {
        if (i + 1 >= text.length()) {
            throw new Abort();
        }
        int n = text.length();
        int body = i + 2;
        switch (text.charAt(i + 1)) {
            case 'Q', 'E', 'k' -> throw new Abort();
            case 'x', 'p', 'P', 'N' -> {
                if (body < n && text.charAt(body) == '{') {
                    int close = text.indexOf('}', body);
                    if (close < 0) {
                        throw new Abort();
                    }
                    return close + 1;
                }
                return Math.min(n, body + (text.charAt(i + 1) == 'x' ? 2 : 1));
            }
            case 'u' -> {
                return Math.min(n, body + 4);
            }
            case 'c' -> {
                return Math.min(n, body + 1);
            }
            case '0' -> {
                int j = body;
                while (j < n && j < body + 3 && text.charAt(j) >= '0' && text.charAt(j) <= '7') {
                    j++;
                }
                return j;
            }
            default -> {
                return body;
            }
        }
    }

    /** The index after the group that opens at {@code i}. */
    private static int groupEnd(String text, int i) throws Abort {
        int depth = 0;
        int j = i;
        while (j < text.length()) {
            char c = text.charAt(j);
            if (c == '\\') {
                j = escapeEnd(text, j);
                continue;
            }
            if (c == '[') {
                j = classEnd(text, j);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return j + 1;
            }
            j++;
        }
        throw new Abort();
    }

    /** The index after the character class that opens at {@code i}, nested classes included. */
    private static int classEnd(String text, int i) throws Abort {
        int depth = 0;
        int j = i;
        while (j < text.length()) {
            char c = text.charAt(j);
            if (c == '\\') {
                j = escapeEnd(text, j);
                continue;
            }
            if (c == '[') {
                depth++;
                j++;
                if (j < text.length() && text.charAt(j) == '^') {
                    j++;
                }
                if (j < text.length() && text.charAt(j) == ']') {
                    j++; // a ']' first in a class is literal
                }
                continue;
            }
            if (c == ']' && --depth == 0) {
                return j + 1;
            }
            j++;
        }
        throw new Abort();
    }

    /** The index after a quantifier at {@code i} (with its lazy or possessive mark), or {@code i} if none. */
    private static int quantifierEnd(String text, int i) throws Abort {
        if (i >= text.length()) {
            return i;
        }
        char c = text.charAt(i);
        int j;
        if (c == '?' || c == '*' || c == '+') {
            j = i + 1;
        } else if (c == '{') {
            int close = text.indexOf('}', i);
            if (close < 0 || !text.substring(i + 1, close).matches("\\d+(,\\d*)?")) {
                throw new Abort();
            }
            j = close + 1;
        } else {
            return i;
        }
        if (j < text.length() && (text.charAt(j) == '?' || text.charAt(j) == '+')) {
            j++;
        }
        return j;
    }
}
