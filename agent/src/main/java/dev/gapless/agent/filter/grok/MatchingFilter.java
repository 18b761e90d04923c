package dev.gapless.agent.filter.grok;

import dev.gapless.config.BoundedText;
import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.grok.CompiledPattern;
import dev.gapless.config.filter.grok.CompiledPattern.Capture;
import dev.gapless.config.filter.grok.MatchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The live grok and regex filter: tries the compiled patterns in order on the text of {@code field}, through a
 * {@link BoundedText} with one budget for all of them, and writes the captures of the first that matches under
 * {@code target}. No match: the failure tags and {@link FilterStats#failures}. Out of budget: the timeout tag and
 * {@link FilterStats#timeouts}, nothing written. A pattern with a {@link dev.gapless.config.filter.grok.GrokPlan}
 * runs it first ({@link PlanRunner}); only when a step of the plan fails does the whole regex decide. Patterns are
 * compiled once (at config load); each thread keeps its own matchers, plan runners and budgeted text.
 */
public final class MatchingFilter implements Filter {

    private final MatchConfig config;
    private final String timeoutTag;
    private final FilterStats stats;
    private final CompiledPattern[] patterns;
    // Per pattern, per capture: the full path written (target + the capture's keys), built once.
    private final FieldPath[][] paths;
    private final ThreadLocal<State> state;

    public MatchingFilter(MatchConfig config, String timeoutTag, FilterStats stats) {
        this.config = config;
        this.timeoutTag = timeoutTag;
        this.stats = stats;
        this.patterns = config.patterns().toArray(new CompiledPattern[0]);
        this.paths = new FieldPath[patterns.length][];
        for (int p = 0; p < patterns.length; p++) {
            List<Capture> captures = patterns[p].captures();
            paths[p] = new FieldPath[captures.size()];
            for (int c = 0; c < captures.size(); c++) {
                List<String> keys = new ArrayList<>(config.target().segments());
                keys.addAll(captures.get(c).path());
                paths[p][c] = new FieldPath(keys); // bounded in depth when the config was bound (MatchConfig)
            }
        }
        this.state = ThreadLocal.withInitial(this::newState);
    }

    /** One thread's matchers and plan runners (one per pattern) and budgeted text, reused event after event. */
    private static final class State {
        final BoundedText text = new BoundedText();
        final Matcher[] matchers;
        final PlanRunner[] plans; // null where a pattern has no plan

        State(Matcher[] matchers, PlanRunner[] plans) {
            this.matchers = matchers;
            this.plans = plans;
        }
    }

    private State newState() {
        Matcher[] m = new Matcher[patterns.length];
        PlanRunner[] plans = new PlanRunner[patterns.length];
        State s = new State(m, plans);
        for (int i = 0; i < patterns.length; i++) {
            m[i] = patterns[i].pattern().matcher("");
            if (patterns[i].plan() != null) {
                plans[i] = new PlanRunner(patterns[i].plan(), patterns[i].captures().size(), s.text);
            }
        }
        return s;
    }

    @Override
    public boolean apply(FilterEvent event) {
        String value = event.text(config.field());
        if (value == null) {
            fail(event);
            return true;
        }
        State s = state.get();
        // One budget for every pattern tried on this event: at it, the match stops with Exhausted.
        long steps = Math.min((long) config.stepsPerChar() * (value.length() + 1L), config.maxSteps());
        BoundedText text = s.text.reset(value, steps, config.timeout().toNanos());
        try {
            for (int p = 0; p < patterns.length; p++) {
                PlanRunner plan = s.plans[p];
                if (plan != null && plan.run(value, text)) {
                    write(event, p, plan.starts, plan.ends, value);
                    return true;
                }
                // No plan, or one of its steps failed: the whole expression decides (it may backtrack further).
                Matcher m = s.matchers[p];
                if (text.find(m)) {
                    write(event, p, m, value);
                    m.reset("");
                    return true;
                }
            }
        } catch (BoundedText.Exhausted e) {
            stats.timeouts.increment();
            event.tag(timeoutTag);
            return true;
        } finally {
            text.reset("", 0, 0); // the thread keeps no reference to the event's text
        }
        fail(event);
        return true;
    }

    private void fail(FilterEvent event) {
        stats.failures.increment();
        for (String tag : config.tagOnFailure()) {
            event.tag(tag);
        }
    }

    private void write(FilterEvent event, int p, Matcher m, String value) {
        List<Capture> captures = patterns[p].captures();
        for (int c = 0; c < captures.size(); c++) {
            Capture capture = captures.get(c);
            write(event, paths[p][c], capture, m.start(capture.group()), m.end(capture.group()), value);
        }
    }

    private void write(FilterEvent event, int p, int[] starts, int[] ends, String value) {
        List<Capture> captures = patterns[p].captures();
        for (int c = 0; c < captures.size(); c++) {
            write(event, paths[p][c], captures.get(c), starts[c], ends[c], value);
        }
    }

    private void write(FilterEvent event, FieldPath path, Capture capture, int start, int end, String value) {
        if (start < 0) {
            return; // the group took no part in the match
        }
        if (start == end && !config.keepEmptyCaptures()) {
            return;
        }
        event.put(path, convert(value.substring(start, end), capture.conversion()));
    }

    private static Object convert(String text, CompiledPattern.Conversion conversion) {
        try {
            return switch (conversion) {
                case STRING -> text;
                case INT -> Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
                case FLOAT -> Double.parseDouble(text);
            };
        } catch (NumberFormatException e) {
            return text; // a value that is no number stays text
        }
    }
}
