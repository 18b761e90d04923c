package dev.gapless.config.filter.grok;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A faster way to the same match: a grok expression cut, at its top level, into steps tried one after the other from
 * the start of the text, each taking its first choice — literal text, a {@link FastAtom} matched by code, or a
 * fragment of the expression matched by the regex engine with {@code lookingAt()} where the step before ended.
 * The regex engine tries the same first choices first, so when every step succeeds the match is the one the whole
 * expression's {@code find()} returns; when a step fails, the whole expression is run (it may backtrack into an
 * earlier step, or match further on). A plan holds no state: each thread runs it with its own matchers.
 *
 * <p>Capture {@code k} of a plan is capture {@code k} of the {@link CompiledPattern} it belongs to: steps are in the
 * order the expression opens its captures.
 */
public final class GrokPlan {

    /** One step of a plan. */
    public sealed interface Step permits Literal, Open, Close, Atom, Fragment, Choice {
    }

    /** Text that must follow, as it is. */
    public record Literal(String text) implements Step {
        public Literal {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Capture {@code capture} starts here. */
    public record Open(int capture) implements Step {
    }

    /** Capture {@code capture} ends here. */
    public record Close(int capture) implements Step {
    }

    /**
     * A shipped pattern matched by code; {@code regex} (its definition, without captures) decides where the code
     * answers {@link FastAtom#UNDECIDED}.
     */
    public record Atom(FastAtom atom, CompiledPattern regex, int slot) implements Step {
        public Atom {
            Objects.requireNonNull(atom, "atom");
            Objects.requireNonNull(regex, "regex");
        }
    }

    /**
     * A part of the expression run by the regex engine; its captures are the plan's from {@code firstCapture}.
     * {@code slot} numbers the steps that need a matcher (fragments and atoms), 0 to {@link #slots()} - 1.
     */
    public record Fragment(CompiledPattern pattern, int firstCapture, int slot) implements Step {
        public Fragment {
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    /**
     * A group with alternatives, or an optional one ({@code ?}, {@code ?+}): {@code first}, the steps of its first
     * alternative, are tried; when they fail, {@code whole}, the group run by the regex engine, decides. The
     * captures of the alternatives after the first take no part when {@code first} succeeds.
     */
    public record Choice(List<Step> first, Fragment whole) implements Step {
        public Choice {
            first = List.copyOf(first);
            Objects.requireNonNull(whole, "whole");
        }
    }

    private final List<Step> steps;
    private final int slots;

    GrokPlan(List<Step> steps, int slots) {
        this.steps = List.copyOf(steps);
        this.slots = slots;
    }

    /** How many steps need a matcher of their own. */
    public int slots() {
        return slots;
    }

    /** The steps, in order. */
    public List<Step> steps() {
        return steps;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Literal l) {
                parts.add("'" + l.text() + "'");
            } else if (s instanceof Open o) {
                parts.add("(" + o.capture());
            } else if (s instanceof Close c) {
                parts.add(c.capture() + ")");
            } else if (s instanceof Atom a) {
                parts.add(a.atom().name());
            } else if (s instanceof Choice c) {
                parts.add("{" + new GrokPlan(c.first(), 0) + " else /" + c.whole().pattern().source() + "/}");
            } else {
                parts.add("/" + ((Fragment) s).pattern().source() + "/");
            }
        }
        return String.join(" ", parts);
    }
}
