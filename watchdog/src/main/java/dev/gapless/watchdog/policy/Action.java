package dev.gapless.watchdog.policy;

/** What the watchdog does about a decision. */
public enum Action {
    /** Restart the agent (nothing to dump: the process is gone). */
    RESTART,
    /** Save a thread dump of the agent, then restart it. */
    THREAD_DUMP_AND_RESTART,
    /**
     * SIGKILL at once, then start: the process is stopped, so it could neither give a thread dump nor act on
     * SIGTERM (waiting for either would only add their timeouts to the outage).
     */
    KILL_AND_RESTART,
    /** Raise an alert; the agent is left alone. */
    ALERT,
    /** A condition that was alerted has ended. */
    RESOLVED,
    /** Record only: something happened that the watchdog did not cause (e.g. systemd restarted the agent). */
    RECORD;

    /** The name used in the incident journal and metrics: {@code thread_dump_and_restart}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean restarts() {
        return this == RESTART || this == THREAD_DUMP_AND_RESTART || this == KILL_AND_RESTART;
    }
}
