package dev.gapless.watchdog.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The supervised agent's process as one probe saw it. A stopped process (SIGSTOP, a terminal's Ctrl-Z) can
 * neither answer /health nor give a thread dump nor act on SIGTERM until it is continued: telling it apart from a
 * running but wedged JVM decides how it is replaced.
 */
public enum ProcessStatus {
    /** No such process. */
    GONE,
    /** Running, sleeping or in an I/O wait: it can answer, and act on SIGTERM. */
    RUNNING,
    /** Stopped by a signal: state {@code T} in {@code /proc/<pid>/stat}. */
    STOPPED;

    /**
     * @param alive whether the process exists
     * @param pid   its pid; its state is read from {@code /proc} (where there is none, a live process counts as
     *              running)
     */
    public static ProcessStatus of(boolean alive, long pid) {
        if (!alive) {
            return GONE;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            return state(stat) == 'T' ? STOPPED : RUNNING;
        } catch (IOException | RuntimeException e) {
            return RUNNING; // gone meanwhile (the next probe sees it), or no /proc
        }
    }

    /**
     * The state letter of a {@code /proc/<pid>/stat} line: {@code pid (comm) state …}. The command name may itself
     * hold spaces and parentheses, so the state is the first field after the <em>last</em> {@code ')'}.
     *
     * @return the state letter, or {@code '?'} for a line that does not have one
     */
    static char state(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return '?';
        }
        return stat.charAt(close + 2);
    }
}
