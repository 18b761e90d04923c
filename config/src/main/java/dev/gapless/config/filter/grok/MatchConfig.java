package dev.gapless.config.filter.grok;

import dev.gapless.config.FieldPath;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a grok or regex filter matches and where it writes: the settings the two types share, bound by
 * {@link #bind} so both read and check them the same way.
 *
 * @param field             the text matched (a missing or non-text value is a failure)
 * @param patterns          tried in order; the first that matches is written, the rest are not tried
 * @param target            where captures are written: {@code fields} or a path under it
 * @param tagOnFailure      the tags of an event no pattern matched
 * @param timeout           the time all patterns together may take on one event, a backstop to the steps
 * @param stepsPerChar      characters the matcher may read per character of the text, over all patterns
 * @param maxSteps          the most characters it may read on one event, whatever the text's length
 * @param keepEmptyCaptures whether a capture that matched empty text is written (as "")
 */
public record MatchConfig(FieldPath field, List<CompiledPattern> patterns, FieldPath target, List<String> tagOnFailure,
                          Duration timeout, int stepsPerChar, int maxSteps, boolean keepEmptyCaptures) {

    public static final FieldPath DEFAULT_FIELD = FieldPath.parse("message");
    public static final FieldPath DEFAULT_TARGET = FieldPath.parse("fields");
    /**
     * A well-formed line matches in microseconds and the step budget stops a runaway match first; this is the
     * backstop for steps that run slow (a machine under load), short enough that one hostile event holds its
     * sender's batch back no more than a tenth of a second.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    /**
     * A linear pattern reads each character a few times per alternative tried; 200 leaves room for a list of
     * patterns that each fail late, and stops one that backtracks without end.
     */
    public static final int DEFAULT_STEPS_PER_CHAR = 200;
    /** At ~1-3 ns a step, about 20-60 ms: a long line gets no more than this, however long. */
    public static final int DEFAULT_MAX_STEPS = 20_000_000;

    public MatchConfig {
        Objects.requireNonNull(field, "field");
        patterns = List.copyOf(patterns);
        Objects.requireNonNull(target, "target");
        tagOnFailure = List.copyOf(tagOnFailure);
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Compiles one expression of {@code pattern}. */
    @FunctionalInterface
    public interface Compiler {
        CompiledPattern compile(String expression) throws GrokException;
    }

    /**
     * Binds the shared keys, compiling each of {@code pattern} with {@code compiler}.
     *
     * @return the settings; null when one is invalid (reported through {@code s}, each pattern that does not
     *         compile at {@code pattern} with its position in the list)
     */
    public static MatchConfig bind(Settings s, List<String> defaultTags, Compiler compiler) {
        FieldPath field = s.get("field", Kind.FIELD_PATH, DEFAULT_FIELD);
        List<String> expressions = s.required("pattern", Kind.STRINGS);
        FieldPath target = s.get("target", Kind.FIELD_PATH, DEFAULT_TARGET);
        List<String> tags = s.get("tag_on_failure", Kind.STRING_LIST, defaultTags);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, DEFAULT_TIMEOUT);
        Integer stepsPerChar = s.get("steps_per_char", Kind.integer(1, 1_000_000), DEFAULT_STEPS_PER_CHAR);
        Integer maxSteps = s.get("max_steps", Kind.integer(1_000, Integer.MAX_VALUE), DEFAULT_MAX_STEPS);
        Boolean keepEmpty = s.get("keep_empty_captures", Kind.BOOLEAN, false);
        boolean ok = true;
        if (target != null && !target.segments().get(0).equals("fields")) {
            s.problem("target must be fields or a path under it (fields.http), got " + target, "target");
            ok = false;
        }
        List<CompiledPattern> patterns = new ArrayList<>();
        if (expressions != null) {
            for (int i = 0; i < expressions.size(); i++) {
                String which = expressions.size() == 1 ? "pattern"
                        : "pattern " + (i + 1) + " of " + expressions.size();
                try {
                    CompiledPattern compiled = compiler.compile(expressions.get(i));
                    patterns.add(compiled);
                    // a capture is written at target + its own keys: a path past FieldPath's bound is refused here,
                    // never cut short (which would write the value somewhere else)
                    int base = target == null ? 1 : target.segments().size();
                    for (CompiledPattern.Capture c : compiled.captures()) {
                        if (base + c.path().size() > FieldPath.MAX_SEGMENTS) {
                            s.problem(which + " '" + expressions.get(i) + "': capture '" + String.join(".", c.path())
                                    + "' would be written at a path of " + (base + c.path().size()) + " keys (the target's and"
                                    + " its own); at most " + FieldPath.MAX_SEGMENTS, "pattern");
                            ok = false;
                            break;
                        }
                    }
                } catch (GrokException e) {
                    s.problem(which + " '" + expressions.get(i) + "': " + e.getMessage(), "pattern");
                    ok = false;
                }
            }
        }
        if (!ok || field == null || expressions == null || target == null || tags == null || timeout == null
                || stepsPerChar == null || maxSteps == null || keepEmpty == null) {
            return null;
        }
        return new MatchConfig(field, patterns, target, tags, timeout, stepsPerChar, maxSteps, keepEmpty);
    }
}
