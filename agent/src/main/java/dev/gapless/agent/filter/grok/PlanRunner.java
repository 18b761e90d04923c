package dev.gapless.agent.filter.grok;

import dev.gapless.config.BoundedText;
import dev.gapless.config.filter.grok.CompiledPattern.Capture;
import dev.gapless.config.filter.grok.FastAtom;
import dev.gapless.config.filter.grok.GrokPlan;
import dev.gapless.config.filter.grok.GrokPlan.Atom;
import dev.gapless.config.filter.grok.GrokPlan.Choice;
import dev.gapless.config.filter.grok.GrokPlan.Close;
import dev.gapless.config.filter.grok.GrokPlan.Fragment;
import dev.gapless.config.filter.grok.GrokPlan.Literal;
import dev.gapless.config.filter.grok.GrokPlan.Open;
import dev.gapless.config.filter.grok.GrokPlan.Step;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

/**
 * One thread's runner of a {@link GrokPlan}: a matcher for each of the plan's regex steps and the captures' spans of
 * the last run. The regex steps read the event's {@link BoundedText}, so they spend the event's budget as the whole
 * expression would; the atoms read the text directly, in one pass without backtracking.
 */
final class PlanRunner {

    private final List<Step> steps;
    private final Matcher[] matchers; // by slot: a fragment's regex, an atom's definition
    private final String[][] groups;  // by slot, for fragments: the internal group name of each of its captures
    final int[] starts;
    final int[] ends;

    /** @param text the budgeted text every run reads, the thread's own */
    PlanRunner(GrokPlan plan, int captureCount, BoundedText text) {
        this.steps = plan.steps();
        this.matchers = new Matcher[plan.slots()];
        this.groups = new String[plan.slots()][];
        this.starts = new int[captureCount];
        this.ends = new int[captureCount];
        prepare(steps, text);
    }

    private void prepare(List<Step> list, BoundedText text) {
        for (Step step : list) {
            if (step instanceof Fragment f) {
                prepare(f, text);
            } else if (step instanceof Atom a) {
                matchers[a.slot()] = transparent(a.regex().pattern().matcher(text));
            } else if (step instanceof Choice c) {
                prepare(c.first(), text);
                prepare(c.whole(), text);
            }
        }
    }

    private void prepare(Fragment f, BoundedText text) {
        matchers[f.slot()] = transparent(f.pattern().pattern().matcher(text));
        List<Capture> captures = f.pattern().captures();
        String[] names = new String[captures.size()];
        for (int c = 0; c < names.length; c++) {
            names[c] = captures.get(c).group();
        }
        groups[f.slot()] = names;
    }

    private static Matcher transparent(Matcher m) {
        return m.useTransparentBounds(true).useAnchoringBounds(false); // lookarounds and \b see the whole text
    }

    /**
     * Runs the plan from the start of {@code value}, which {@code text} holds. True: every step took its first
     * choice and {@link #starts}/{@link #ends} hold each capture's span (-1 where it took no part).
     *
     * @throws BoundedText.Exhausted if a regex step ran out of the event's budget
     */
    boolean run(String value, BoundedText text) {
        return run(steps, value, text, 0) >= 0;
    }

    /** Runs {@code list} from {@code pos}: where it ended, or -1 if a step failed. */
    private int run(List<Step> list, String value, BoundedText text, int pos) {
        for (int i = 0, n = list.size(); i < n; i++) {
            Step step = list.get(i);
            if (step instanceof Literal l) {
                if (!value.startsWith(l.text(), pos)) {
                    return -1;
                }
                pos += l.text().length();
            } else if (step instanceof Atom a) {
                int end = a.atom().match(value, pos);
                if (end == FastAtom.UNDECIDED) {
                    end = lookingAt(a.slot(), text, pos) ? matchers[a.slot()].end() : FastAtom.NO_MATCH;
                }
                if (end < 0) {
                    return -1;
                }
                pos = end;
            } else if (step instanceof Fragment f) {
                pos = fragment(f, text, pos);
                if (pos < 0) {
                    return -1;
                }
            } else if (step instanceof Choice c) {
                Fragment whole = c.whole();
                int first = whole.firstCapture();
                Arrays.fill(starts, first, first + groups[whole.slot()].length, -1);
                int end = run(c.first(), value, text, pos);
                pos = end >= 0 ? end : fragment(whole, text, pos);
                if (pos < 0) {
                    return -1;
                }
            } else if (step instanceof Open o) {
                starts[o.capture()] = pos;
            } else {
                ends[((Close) step).capture()] = pos;
            }
        }
        return pos;
    }

    /** A regex step from {@code pos}, its captures recorded: where it ended, or -1. */
    private int fragment(Fragment f, BoundedText text, int pos) {
        if (!lookingAt(f.slot(), text, pos)) {
            return -1;
        }
        Matcher m = matchers[f.slot()];
        String[] names = groups[f.slot()];
        for (int c = 0; c < names.length; c++) {
            starts[f.firstCapture() + c] = m.start(names[c]);
            ends[f.firstCapture() + c] = m.end(names[c]);
        }
        return m.end();
    }

    private boolean lookingAt(int slot, BoundedText text, int pos) {
        // The matcher reads the thread's BoundedText, which holds this event's text: region() resets it to it.
        return text.lookingAt(matchers[slot].region(pos, text.length()));
    }
}
