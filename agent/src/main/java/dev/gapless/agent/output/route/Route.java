package dev.gapless.agent.output.route;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.condition.Condition;

/**
 * Which records an output carries: with a {@code when:} condition, the events for which it holds; heartbeats and
 * loss markers always, since the audit of the stream needs them. Without a condition, everything. Holds a reused
 * {@link RecordSubject}, so one instance serves one output worker: only that worker thread uses it.
 */
public final class Route {

    private final Condition when;
    private final RecordSubject subject = new RecordSubject();

    private Route(Condition when) {
        this.when = when;
    }

    /** A route carrying every record: an output without {@code when:}. */
    public static Route all() {
        return new Route(null);
    }

    /** A route carrying the events for which {@code when} holds (all events if it is null). */
    public static Route when(Condition when) {
        return new Route(when);
    }

    /** True if the route may leave events out (an output with {@code when:}). */
    public boolean filters() {
        return when != null;
    }

    /** Whether the output carries {@code r}. Never throws: a condition that cannot be evaluated is false. */
    public boolean carries(JournalRecord r) {
        return when == null || r.kind() != RecordKind.EVENT || when.test(subject.of(r));
    }

    @Override
    public String toString() {
        return when == null ? "all" : when.toString();
    }
}
