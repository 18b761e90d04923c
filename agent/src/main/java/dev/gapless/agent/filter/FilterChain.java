package dev.gapless.agent.filter;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.condition.Condition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured filters, in order, between the inputs and the journal: the ingest port runs each batch an input
 * offers through a {@link Runner} of its sender before the append, so the journal holds exactly what will be sent,
 * an event a filter drops never takes a sequence number, and a restart never filters anything twice (what was
 * appended is never filtered again; what was not is sent again by its source and filtered then).
 *
 * <p>The bounds: an event a chain makes larger than the journal takes ({@code maxEventBytes}) is appended as it
 * arrived instead, tagged {@code _filter_oversize} and counted on the last filter's errors, never dropped. An
 * exception in a filter is caught: the event is tagged {@code _filter_error}, counted, and logged at most once per
 * {@link #ERROR_LOG_INTERVAL_MS} per filter (with how many were not logged).
 */
public final class FilterChain {

    private static final Logger log = LoggerFactory.getLogger(FilterChain.class);
    /** A failing filter logs at most this often (the rest is counted). */
    static final long ERROR_LOG_INTERVAL_MS = 10_000;
    /** The tag of an event on which a filter threw. */
    public static final String ERROR_TAG = "_filter_error";
    /** The tag of an event kept as it arrived because the chain made it too large for the journal. */
    public static final String OVERSIZE_TAG = "_filter_oversize";

    /** One configured filter: its id and stats, its condition, the live filter. */
    public record Step(FilterStats stats, Optional<Condition> when, Filter filter) {
    }

    private final List<Step> steps;
    private final int maxEventBytes;
    private final AtomicLong[] lastLogged;
    private final AtomicLong[] unlogged;

    /**
     * @param maxEventBytes the most a filtered event's message, fields and tags may take together (what the
     *                      journal's record cap leaves after the header)
     */
    public FilterChain(List<Step> steps, int maxEventBytes) {
        this.steps = List.copyOf(steps);
        this.maxEventBytes = maxEventBytes;
        this.lastLogged = new AtomicLong[this.steps.size()];
        this.unlogged = new AtomicLong[this.steps.size()];
        for (int i = 0; i < this.steps.size(); i++) {
            lastLogged[i] = new AtomicLong(Long.MIN_VALUE);
            unlogged[i] = new AtomicLong();
        }
    }

    /** No filters: batches go to the journal as offered. */
    public static FilterChain none() {
        return new FilterChain(List.of(), Integer.MAX_VALUE);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public List<Step> steps() {
        return steps;
    }

    /** The state one sender's batches are filtered with; use it from that sender's thread only. */
    public Runner runner() {
        return new Runner();
    }

    /** One sender's filtering: an event and an output batch reused batch after batch. Not thread-safe. */
    public final class Runner {
        private final FilterEvent event = new FilterEvent();
        private final MessageBatch out = new MessageBatch(4096);
        private final ByteSink json = new ByteSink(512);
        // Events each step was applied to in this batch, added to its stats once the batch is done: one atomic add
        // a step and batch, not one an event.
        private final long[] applied = new long[steps.size()];

        private Runner() {
        }

        /**
         * Filters a batch.
         *
         * @return the events kept, changed as the filters changed them, in their order: a batch of this runner's,
         *         valid until the next call (the input's own batch is not changed)
         */
        public MessageBatch apply(MessageBatch in) {
            out.clear();
            out.source(in.source());
            out.receivedAtNanos(in.receivedAtNanos());
            byte[] data = in.array();
            byte[] fieldData = in.fieldsArray();
            try {
                for (int i = 0; i < in.size(); i++) {
                    event.load(in.source(), data, in.offset(i), in.length(i), fieldData, in.fieldsOffset(i),
                            in.fieldsLength(i), in.tags(i), in.freeTags(i), in.receivedAtNanos(),
                            in.eventTimeNanos(i));
                    if (run()) {
                        write(in, i);
                    }
                }
            } finally {
                for (int s = 0; s < applied.length; s++) {
                    if (applied[s] != 0) {
                        steps.get(s).stats.events.add(applied[s]);
                        applied[s] = 0;
                    }
                }
            }
            return out;
        }

        /** Runs every step on the loaded event; false if one dropped it. */
        private boolean run() {
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                try {
                    if (step.when.isPresent() && !step.when.get().test(event)) {
                        continue;
                    }
                    applied[s]++;
                    if (!step.filter.apply(event)) {
                        step.stats.dropped.increment();
                        return false;
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    step.stats.errors.increment();
                    event.tag(ERROR_TAG);
                    logError(s, e);
                }
            }
            return true;
        }

        /** Appends the loaded event to {@link #out}: its parts as they arrived unless a filter changed them. */
        private void write(MessageBatch in, int i) {
            byte[] message = null;
            if (event.messageChanged()) {
                message = event.message().getBytes(StandardCharsets.UTF_8);
            }
            boolean newFields = event.fieldsWereChanged();
            if (newFields) {
                FieldTree.write(event.fieldsIfRead(), json);
            }
            int messageBytes = message == null ? in.length(i) : message.length;
            int fieldBytes = newFields ? json.length() : in.fieldsLength(i);
            int tagBytes = 0;
            for (String t : event.freeTags()) {
                tagBytes += t.length() * 3 + 1;
            }
            if ((long) messageBytes + fieldBytes + tagBytes > maxEventBytes) {
                // Larger than a record can hold: keep the event as it arrived, and say so.
                out.add(in.array(), in.offset(i), in.length(i), in.tags(i));
                if (in.fieldsLength(i) > 0) {
                    out.fieldsOfLast(in.fieldsArray(), in.fieldsOffset(i), in.fieldsLength(i));
                }
                List<String> tags = new ArrayList<>(in.freeTags(i));
                tags.add(OVERSIZE_TAG);
                out.freeTagsOfLast(tags);
                finish(in, i, in.eventTimeNanos(i));
                steps.get(steps.size() - 1).stats.errors.increment();
                return;
            }
            if (message == null) {
                out.add(in.array(), in.offset(i), in.length(i), event.tagBits());
            } else {
                out.add(message, 0, message.length, event.tagBits());
            }
            if (newFields) {
                if (json.length() > 2) { // "{}" is no fields
                    out.fieldsOfLast(json.array(), 0, json.length());
                }
            } else if (in.fieldsLength(i) > 0) {
                out.fieldsOfLast(in.fieldsArray(), in.fieldsOffset(i), in.fieldsLength(i));
            }
            if (!event.freeTags().isEmpty()) {
                out.freeTagsOfLast(event.freeTags());
            }
            finish(in, i, event.eventTimeNanos());
        }

        private void finish(MessageBatch in, int i, long eventTime) {
            if (in.position(i) >= 0) {
                out.positionOfLast(in.position(i));
            }
            if (eventTime != in.receivedAtNanos()) {
                out.eventTimeOfLast(eventTime);
            }
        }
    }

    private void logError(int step, Throwable e) {
        long now = System.nanoTime() / 1_000_000;
        long last = lastLogged[step].get();
        boolean recent = last != Long.MIN_VALUE && now - last < ERROR_LOG_INTERVAL_MS;
        if (recent || !lastLogged[step].compareAndSet(last, now)) {
            unlogged[step].incrementAndGet();
            return;
        }
        long skipped = unlogged[step].getAndSet(0);
        log.warn("filter {} failed on an event, which passes on tagged {}{}", steps.get(step).stats.id, ERROR_TAG,
                skipped > 0 ? " (" + skipped + " more since the last such message)" : "", e);
    }
}
