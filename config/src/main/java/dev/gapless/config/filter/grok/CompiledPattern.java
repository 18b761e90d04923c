package dev.gapless.config.filter.grok;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One grok or regex expression, compiled once at config load: the Java pattern and the captures it writes. Immutable
 * and safe to share; each thread that runs it makes its own {@link java.util.regex.Matcher}.
 *
 * @param source   the expression as written in the config
 * @param pattern  the compiled Java regex, every named group under an internal name ({@code g1}, {@code g2}, ...)
 * @param captures the named groups to write, in the order they open in the expression
 * @param plan     a faster way to the same match, tried before {@link #pattern}; null when there is none
 */
public record CompiledPattern(String source, Pattern pattern, List<Capture> captures, GrokPlan plan) {

    public CompiledPattern {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pattern, "pattern");
        captures = List.copyOf(captures);
    }

    /** A pattern without a plan. */
    public CompiledPattern(String source, Pattern pattern, List<Capture> captures) {
        this(source, pattern, captures, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledPattern p && p.source.equals(source) && p.pattern.pattern().equals(
                pattern.pattern()) && p.captures.equals(captures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, pattern.pattern(), captures);
    }

    /** How a captured text is written. */
    public enum Conversion {
        /** As the text it is. */
        STRING,
        /** As a Long; text that is no integer stays a string. */
        INT,
        /** As a Double; text that is no number stays a string. */
        FLOAT
    }

    /**
     * One named group.
     *
     * @param group      its internal group name in {@link #pattern}
     * @param path       where it is written, keys relative to the filter's target ({@code client.ip}: two keys)
     * @param conversion how the text is written
     */
    public record Capture(String group, List<String> path, Conversion conversion) {

        public Capture {
            Objects.requireNonNull(group, "group");
            path = List.copyOf(path);
            Objects.requireNonNull(conversion, "conversion");
        }
    }
}
