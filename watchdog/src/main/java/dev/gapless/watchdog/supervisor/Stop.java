package dev.gapless.watchdog.supervisor;

/** How the supervisor stops the agent before starting it again. */
public enum Stop {
    /** SIGTERM, wait stop_timeout, then SIGKILL: the agent persists its cursors and exits cleanly. */
    GRACEFUL,
    /** SIGKILL at once: the process is stopped and cannot act on SIGTERM (it would wait all of stop_timeout). */
    KILL
}
