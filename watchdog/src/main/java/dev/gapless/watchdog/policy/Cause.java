package dev.gapless.watchdog.policy;

import dev.gapless.contract.DegradedReason;
import java.util.Locale;
import java.util.Optional;

/**
 * Why the watchdog decided something: one value per row of the decision table (docs/watchdog.md).
 * Each cause has one remedy; the policy never picks a remedy by anything else.
 */
public enum Cause {
    /** The agent's process is gone. */
    CRASH(Action.RESTART),
    /** /health did not answer, unhealthy_probes times in a row (GC death spiral, deadlock). */
    WEDGED(Action.THREAD_DUMP_AND_RESTART),
    /** The agent's process is stopped (SIGSTOP, Ctrl-Z), unhealthy_probes times in a row: it cannot answer. */
    FROZEN(Action.KILL_AND_RESTART),
    /** Backlog, no ack and no completed attempt for stall_timeout, and no send under way. */
    UPLOADER_WEDGED(Action.THREAD_DUMP_AND_RESTART),
    /** Sends hang, or fail before reaching a destination the watchdog itself reaches. */
    AGENT_SIDE_FAULT(Action.THREAD_DUMP_AND_RESTART),
    /** Sends fail and the watchdog cannot reach the destination either. */
    DESTINATION_DOWN(Action.ALERT),
    /**
     * A send has been in flight longer than stall_timeout but not yet longer than the output's own timeout plus
     * {@link PolicySettings#SEND_TIMEOUT_GRACE}: the agent is waiting on the destination, which a restart cannot
     * make faster (it would only resend the batch in flight).
     */
    DESTINATION_SLOW(Action.ALERT),
    /** The destination answers every send with an error, for stall_timeout. */
    DESTINATION_REFUSES(Action.ALERT),
    /** An input accepted nothing for longer than its expect_events_every. */
    INPUT_SILENT(Action.ALERT),
    /** The journal is full or nearly full. */
    JOURNAL_FULL(Action.ALERT),
    /**
     * /health degraded {@code force_failed}: a journal fsync failed; only a restart's recovery makes it durable again.
     */
    FORCE_FAILED(Action.RESTART),
    /** /health degraded {@code min_free}: the journal's file system is below min_free; a restart frees nothing. */
    MIN_FREE(Action.ALERT),
    /** /health degraded {@code cursor_commit_failing}: an output's cursor cannot be written; a restart resends only. */
    CURSOR_COMMIT_FAILING(Action.ALERT),
    /** /health degraded {@code ingest_blocked}: an input's senders have been paused by refused appends for long. */
    INGEST_BLOCKED(Action.ALERT),
    /** A restart was due but restart_budget is spent: the agent is kept running, the watchdog backs off. */
    RESTART_BUDGET_SPENT(Action.ALERT),
    /** The agent restarted without the watchdog (systemd, an operator): counted in the budget. */
    AGENT_RESTARTED(Action.RECORD);

    private final Action remedy;

    Cause(Action remedy) {
        this.remedy = remedy;
    }

    /** What this cause calls for when it is confirmed. */
    public Action remedy() {
        return remedy;
    }

    /**
     * The cause a /health {@code degraded} reason is (the agent's closed list, docs/architecture.md); empty for a
     * reason this watchdog does not know, which it ignores.
     */
    public static Optional<Cause> ofDegraded(String reason) {
        return DegradedReason.ofWireName(reason).map(Cause::of);
    }

    /** Exhaustive: a reason added to the contract does not compile until it has a cause here. */
    static Cause of(DegradedReason reason) {
        return switch (reason) {
            case FORCE_FAILED -> FORCE_FAILED;
            case JOURNAL_FULL -> JOURNAL_FULL;
            case MIN_FREE -> MIN_FREE;
            case CURSOR_COMMIT_FAILING -> CURSOR_COMMIT_FAILING;
            case INGEST_BLOCKED -> INGEST_BLOCKED;
        };
    }

    /** The name used in the incident journal, alerts and metrics: {@code uploader_wedged}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
