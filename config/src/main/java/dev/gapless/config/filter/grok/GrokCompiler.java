package dev.gapless.config.filter.grok;

import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.grok.CompiledPattern.Capture;
import dev.gapless.config.filter.grok.CompiledPattern.Conversion;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns grok expressions into Java regexes. {@code %{NAME}} is replaced by NAME's definition in a non-capturing
 * group, {@code %{NAME:capture}} by a named group written to {@code capture} ({@code :int} or {@code :float} after
 * it converts the text); Java named groups {@code (?<name>...)} are captures as well. Every named group is renamed
 * {@code g1}, {@code g2}, ... (Java allows only letters and digits in a group name, a capture may be a dotted path)
 * and mapped back through {@link CompiledPattern#captures()}. A definition's own captures are kept; what it refers to
 * without a capture name writes nothing.
 */
public final class GrokCompiler {

    /**
     * The longest Java regex an expression may expand to. Definitions that refer to others twice over can grow
     * exponentially; past this the expression is refused as a config error instead of compiled.
     */
    public static final int MAX_EXPANDED_CHARS = 256 * 1024;

    private final Map<String, String> definitions;

    /** @param definitions every pattern name an expression may refer to, with its grok expression */
    public GrokCompiler(Map<String, String> definitions) {
        this.definitions = Map.copyOf(definitions);
    }

    /**
     * Compiles a grok expression.
     *
     * @throws GrokException on an unknown {@code %{NAME}}, a cycle among definitions, a bad capture or type, or a
     *                       regex that does not compile
     */
    public CompiledPattern compile(String expression) throws GrokException {
        return new Expansion(true).run(expression);
    }

    /**
     * Compiles a grok expression with a {@link GrokPlan} where it has one: what the filter runs.
     *
     * @throws GrokException as {@link #compile}
     */
    public CompiledPattern compileWithPlan(String expression) throws GrokException {
        CompiledPattern whole = compile(expression);
        GrokPlan plan = GrokPlanner.plan(this, definitions, expression, whole);
        return plan == null ? whole : new CompiledPattern(whole.source(), whole.pattern(), whole.captures(), plan);
    }

    /**
     * Compiles a plain Java regex: {@code %{} is left as written; its named groups are the captures.
     *
     * @throws GrokException if it does not compile
     */
    public static CompiledPattern compileRegex(String regex) throws GrokException {
        return new GrokCompiler(Map.of()).new Expansion(false).run(regex);
    }

    /** One expression's expansion: the regex built so far, its captures and the definitions being expanded. */
    private final class Expansion {
        private final boolean grok;
        private final StringBuilder out = new StringBuilder();
        private final List<Capture> captures = new ArrayList<>();
        private final Deque<String> expanding = new ArrayDeque<>();
        // Java group names as written ((?<name>), for \k<name>) to their internal names; the latest wins.
        private final Map<String, String> written = new HashMap<>();

        Expansion(boolean grok) {
            this.grok = grok;
        }

        CompiledPattern run(String expression) throws GrokException {
            expand(expression);
            try {
                return new CompiledPattern(expression, Pattern.compile(out.toString()), captures);
            } catch (PatternSyntaxException e) {
                // Java reads the '{' of a grok reference as a repetition: say what was meant
                String hint = !grok && expression.contains("%{")
                        ? "; %{NAME} is grok's: a regex filter takes plain Java regexes (use type: grok)" : "";
                throw new GrokException("does not compile: " + e.getDescription()
                        + (grok ? " (in the expanded regex at index " : " (at index ") + e.getIndex() + ")" + hint);
            }
        }

        private void expand(String text) throws GrokException {
            int classDepth = 0; // inside [...]: neither %{ nor (?< mean anything there
            int n = text.length();
            int i = 0;
            while (i < n) {
                if (out.length() > MAX_EXPANDED_CHARS) {
                    throw new GrokException("expands to a regex of more than " + MAX_EXPANDED_CHARS + " characters");
                }
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    i = escape(text, i);
                } else if (c == '[') {
                    classDepth++;
                    out.append(c);
                    i++;
                } else if (c == ']' && classDepth > 0) {
                    classDepth--;
                    out.append(c);
                    i++;
                } else if (classDepth == 0 && grok && text.startsWith("%{", i)) {
                    i = reference(text, i);
                } else if (classDepth == 0 && text.startsWith("(?<", i) && i + 3 < n
                        && text.charAt(i + 3) != '=' && text.charAt(i + 3) != '!') {
                    int close = text.indexOf('>', i + 3);
                    if (close < 0) {
                        throw new GrokException("the group name at index " + i + " is not closed with '>'");
                    }
                    String name = text.substring(i + 3, close);
                    String group = group(name, Conversion.STRING);
                    written.put(name, group);
                    out.append("(?<").append(group).append('>');
                    i = close + 1;
                } else {
                    out.append(c);
                    i++;
                }
            }
        }

        /** Copies an escape ({@code \Q...\E} whole); renames the group of a {@code \k<name>}. */
        private int escape(String text, int i) throws GrokException {
            char next = text.charAt(i + 1);
            if (next == 'Q') {
                int end = text.indexOf("\\E", i + 2);
                int stop = end < 0 ? text.length() : end + 2;
                out.append(text, i, stop);
                return stop;
            }
            if (next == 'k' && text.startsWith("<", i + 2)) {
                int close = text.indexOf('>', i + 3);
                String name = close < 0 ? "" : text.substring(i + 3, close);
                String group = written.get(name);
                if (group == null) {
                    throw new GrokException("\\k<" + name + "> refers to no group named before it");
                }
                out.append("\\k<").append(group).append('>');
                return close + 1;
            }
            out.append(text, i, i + 2);
            return i + 2;
        }

        /** Expands {@code %{NAME[:capture[:type]]}} at {@code i}; returns the index after it. */
        private int reference(String text, int i) throws GrokException {
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                throw new GrokException("'%{' at index " + i + " is not closed with '}'" + context());
            }
            String inside = text.substring(i + 2, close);
            String[] parts = inside.split(":", -1);
            String name = parts[0];
            if (parts.length > 3 || !PatternFile.NAME.matcher(name).matches()) {
                throw new GrokException("'%{" + inside + "}' is not %{NAME}, %{NAME:capture} or"
                        + " %{NAME:capture:int|float}" + context());
            }
            String definition = definitions.get(name);
            if (definition == null) {
                throw new GrokException("unknown pattern %{" + name + "}" + context());
            }
            if (expanding.contains(name)) {
                List<String> cycle = new ArrayList<>(expanding);
                Collections.reverse(cycle);
                cycle = cycle.subList(cycle.indexOf(name), cycle.size());
                throw new GrokException("patterns refer to each other in a cycle: " + String.join(" -> ", cycle)
                        + " -> " + name);
            }
            if (parts.length == 1) {
                out.append("(?:");
            } else {
                Conversion conversion = Conversion.STRING;
                if (parts.length == 3) {
                    conversion = switch (parts[2]) {
                        case "int" -> Conversion.INT;
                        case "float" -> Conversion.FLOAT;
                        default -> throw new GrokException("unknown type '" + parts[2] + "' in %{" + inside
                                + "}: int or float" + context());
                    };
                }
                out.append("(?<").append(group(parts[1], conversion)).append('>');
            }
            expanding.push(name);
            expand(definition);
            expanding.pop();
            out.append(')');
            return close + 1;
        }

        /** A new internal group written to {@code capture}. */
        private String group(String capture, Conversion conversion) throws GrokException {
            String group = "g" + (captures.size() + 1);
            captures.add(new Capture(group, path(capture), conversion));
            return group;
        }

        private List<String> path(String capture) throws GrokException {
            try {
                if (capture.startsWith("[") && capture.endsWith("]")) { // Logstash's [a][b]
                    return new FieldPath(List.of(capture.substring(1, capture.length() - 1).split("\\]\\[", -1)))
                            .segments();
                }
                return FieldPath.parse(capture).segments();
            } catch (IllegalArgumentException e) {
                throw new GrokException("capture name '" + capture + "' is not a field path: " + e.getMessage()
                        + context());
            }
        }

        private String context() {
            return expanding.isEmpty() ? "" : " (in the definition of " + expanding.peek() + ")";
        }
    }
}
