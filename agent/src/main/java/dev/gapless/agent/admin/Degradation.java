package dev.gapless.agent.admin;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of /health's {@code degraded} array: why the agent cannot take or hand on events right now. The reasons
 * are a closed list, documented in docs/architecture.md; the watchdog maps each to a decision.
 *
 * @param since  epoch ms since when the condition holds
 * @param detail what exactly, for a person (figures, the error)
 * @param output the output concerned ({@code cursor_commit_failing}), else null
 * @param input  the input concerned ({@code ingest_blocked}), else null
 */
public record Degradation(Reason reason, long since, String detail, String output, String input) {

    public Degradation {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** The closed list. Only {@link #FORCE_FAILED} is repaired by a restart; the others need an operator. */
    public enum Reason {
        /** A force (fdatasync) failed: nothing more becomes durable or is accepted until a restart. */
        FORCE_FAILED,
        /** The journal is at max_size and refuses appends (when_full: block): an output is behind. */
        JOURNAL_FULL,
        /** The journal's file system has less free space than min_free: appends stop (or, drop_oldest, drop). */
        MIN_FREE,
        /** An output's cursor cannot be written: that output moves no further, and holds the journal. */
        CURSOR_COMMIT_FAILING,
        /** An input's senders have been paused by refused appends longer than {@link HealthWatch#INGEST_BLOCKED_AFTER}. */
        INGEST_BLOCKED;

        /** The name in /health: {@code cursor_commit_failing}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
