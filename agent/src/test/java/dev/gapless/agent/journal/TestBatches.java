package dev.gapless.agent.journal;

import dev.gapless.agent.event.Event;
import java.util.List;

/** Tests build events one by one; the journal appends {@link MessageBatch}es: this turns the one into the other. */
public final class TestBatches {

    private TestBatches() {
    }

    /**
     * The events, all of one source, as one batch: the first event's receive time is the batch's, each event keeps its
     * own event time, position, tags and fields.
     *
     * @throws IllegalArgumentException if the events come from more than one source
     */
    public static MessageBatch of(Event... events) {
        return of(List.of(events));
    }

    /** As {@link #of(Event...)}. */
    public static MessageBatch of(List<Event> events) {
        int bytes = 0;
        for (Event e : events) {
            bytes += e.message().length;
        }
        MessageBatch batch = new MessageBatch(Math.max(1, bytes));
        for (Event e : events) {
            if (batch.size() == 0) {
                batch.source(e.source());
                batch.receivedAtNanos(e.receivedAtNanos());
            } else if (!e.source().equals(batch.source())) {
                throw new IllegalArgumentException("a batch holds the events of one source, got " + batch.source()
                        + " and " + e.source());
            }
            batch.add(e.message(), 0, e.message().length, e.tags());
            batch.positionOfLast(e.sourcePosition());
            batch.eventTimeOfLast(e.eventTimeNanos());
            if (e.fields().length > 0) {
                batch.fieldsOfLast(e.fields(), 0, e.fields().length);
            }
        }
        return batch;
    }
}
