package dev.gapless.agent.filter;

import dev.gapless.config.condition.Condition;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one filter has done, for metrics ({@code gapless_filter_<suffix>{filter="<id>"}}) and /health. Every field is
 * safe to read from any thread. The chain counts {@link #events}, {@link #dropped} and {@link #errors}; the filter
 * itself counts {@link #failures}, {@link #timeouts} and its per-rule counts; its {@code when:} counts the regex
 * matches that ran out of their budget ({@link #whenTimeouts}).
 */
public final class FilterStats {

    /** Rules one filter may count apart, at most (a redact filter's rules are written in the config). */
    public static final int MAX_RULES = 256;

    public final String id;
    public final String type;
    /** Events the filter was applied to (its {@code when:} held). */
    public final LongAdder events = new LongAdder();
    /** Events it dropped on purpose (drop, sample): never appended, never a loss. */
    public final LongAdder dropped = new LongAdder();
    /** Events it could not work on (no match, no parse): tagged and passed on. */
    public final LongAdder failures = new LongAdder();
    /** Events on which a match ran out of its time budget: tagged and passed on. */
    public final LongAdder timeouts = new LongAdder();
    /** Events on which the filter threw: tagged {@code _filter_error} and passed on. */
    public final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> rules = new ConcurrentHashMap<>();
    private final Condition when; // null without when:

    /** The stats of a filter without {@code when:}. */
    public FilterStats(String id, String type) {
        this(id, type, Optional.empty());
    }

    public FilterStats(String id, String type, Optional<Condition> when) {
        this.id = id;
        this.type = type;
        this.when = when.orElse(null);
    }

    /**
     * Evaluations of the filter's {@code when:} whose regex match ran out of its budget: the comparison was taken as
     * false ({@link Condition#regexTimeouts}). 0 without {@code when:}.
     */
    public long whenTimeouts() {
        return when == null ? 0 : when.regexTimeouts();
    }

    /**
     * The counter of one of the filter's rules (a redact rule's matches), made on first use. Rule names come from
     * the config, so there are few; past {@link #MAX_RULES} they share the counter {@code other}.
     */
    public LongAdder rule(String name) {
        LongAdder c = rules.get(name);
        if (c != null) {
            return c;
        }
        String key = rules.size() >= MAX_RULES ? "other" : name;
        return rules.computeIfAbsent(key, k -> new LongAdder());
    }

    /** The rule counters made so far, by name; a live view. */
    public Map<String, LongAdder> rules() {
        return rules;
    }
}
