package dev.gapless.agent.admin;

import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.internal.Sizes;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalStats;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.config.JournalConfig.WhenFull;
import dev.gapless.contract.DegradedReason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what /health lists under {@code degraded}: {@link #runOnce()} looks at the journal, its file system, the
 * inputs and the outputs and publishes the list as one immutable snapshot, which /health reads without touching the
 * disk (free space is a statfs, taken here) or a lock. The agent runs it every {@link #SAMPLE_INTERVAL} on its
 * housekeeping thread, and once before the admin listener opens, so the first answer is already right.
 *
 * <p>The {@code since} of a condition only this class sees (the journal full, free space below min_free) is the
 * first sample that saw it, so up to one interval late; the others come from the state's owner: the syncer's failed
 * force, the output worker's first failed cursor write, the first sender an input paused.
 *
 * <p>Owned by the housekeeping thread (the agent's start calls it before that thread exists); other threads only
 * read {@link #current()}.
 */
public final class HealthWatch {

    /** How often the agent runs {@link #runOnce()}: /health's degraded list is at most this old. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(2);
    /**
     * An input whose senders have been paused by refused appends for this long is {@code ingest_blocked}. Shorter
     * pauses are back-pressure doing its job (a journal at max_size frees a segment at a time as outputs catch up);
     * past this, no event of that input has been taken for longer than a sender's buffers usually hold.
     */
    public static final Duration INGEST_BLOCKED_AFTER = Duration.ofSeconds(10);

    private final AgentView view;
    private final Clock clock;
    // Only the housekeeping thread: since when the sampled conditions hold, 0 when they do not.
    private long fullSince;
    private long lowSince;
    private volatile List<Degradation> current = List.of();

    public HealthWatch(AgentView view, Clock clock) {
        this.view = view;
        this.clock = clock;
    }

    /** The latest list, in the order of {@link DegradedReason}; empty when the agent is not degraded. */
    public List<Degradation> current() {
        return current;
    }

    /** Samples every condition once and publishes the list. */
    public void runOnce() {
        long now = clock.millis();
        Journal j = view.journal();
        JournalStats s = j.stats();
        List<Degradation> found = new ArrayList<>();
        if (s.forceFailed) {
            found.add(new Degradation(DegradedReason.FORCE_FAILED, s.forceFailedAt == 0 ? now : s.forceFailedAt,
                    "a journal force failed, nothing more becomes durable until a restart: " + s.forceFailedReason,
                    null, null));
        }
        String full = s.fullReason;
        if ("max_size".equals(full)) {
            fullSince = fullSince == 0 ? now : fullSince;
            found.add(new Degradation(DegradedReason.JOURNAL_FULL, fullSince, "appends refused: the journal holds "
                    + Sizes.of(j.diskBytes()) + " of max_size " + j.config().maxSize()
                    + " (an output is behind)", null, null));
        } else {
            fullSince = 0;
        }
        Degradation low = minFree(j, "min_free".equals(full), now);
        if (low != null) {
            found.add(low);
        }
        for (OutputStatus o : view.outputs()) {
            long since = o.cursorFailingSince;
            String error = o.cursorError;
            if (since != 0) {
                found.add(new Degradation(DegradedReason.CURSOR_COMMIT_FAILING, since, (error == null ? "" : error)
                        + " (" + o.cursorCommitFailures.sum() + " failed writes; acked_seq stays " + o.ackedSeq + ")",
                        o.id, null));
            }
        }
        for (InputStats in : view.inputs()) {
            long since = in.paused.since();
            if (since != 0 && now - since >= INGEST_BLOCKED_AFTER.toMillis()) {
                found.add(new Degradation(DegradedReason.INGEST_BLOCKED, since, in.paused.count()
                        + " sender(s) paused for " + (now - since) / 1000 + " s: the journal refuses their appends"
                        + (full == null ? "" : " (" + full + ")"), null, in.id));
            }
        }
        current = List.copyOf(found);
    }

    /** {@code min_free} when the journal's file system has less usable space than min_free. */
    private Degradation minFree(Journal j, boolean refused, long now) {
        long min = j.minFree().bytes();
        long usable;
        try {
            usable = j.fileStore().getUsableSpace();
        } catch (IOException e) {
            usable = -1; // cannot tell: only a refusal says so
        }
        // Measured when it can be: the journal's own reason is only refreshed by the next append, and stays set
        // after space was freed while no sender tries again.
        boolean low = usable >= 0 ? usable < min : refused;
        if (!low) {
            lowSince = 0;
            return null;
        }
        lowSince = lowSince == 0 ? now : lowSince;
        String space = usable < 0 ? "free space unknown" : Sizes.of(usable) + " free of " + total(j);
        return new Degradation(DegradedReason.MIN_FREE, lowSince, "the journal's file system has " + space
                + ", min_free is " + j.minFree() + ": appends "
                + (j.config().whenFull() == WhenFull.DROP_OLDEST
                        ? "drop the oldest segments" : "are refused") + " until space is freed or min_free lowered",
                null, null);
    }

    /** The file system's size, for the message only (a second statfs, so only when there is something to say). */
    private static String total(Journal j) {
        try {
            return Sizes.of(j.fileStore().getTotalSpace());
        } catch (IOException e) {
            return "an unknown total";
        }
    }
}
