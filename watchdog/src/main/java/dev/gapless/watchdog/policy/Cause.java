package dev.gapless.watchdog.policy;

import java.util.Locale;

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

    /** The name used in the incident journal, alerts and metrics: {@code uploader_wedged}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
