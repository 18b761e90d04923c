package dev.gapless.watchdog.supervisor;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Owns the agent's lifecycle for the watchdog: child process or systemd unit. Methods are called
 * from the probe loop and, at shutdown, from the shutdown hook; implementations are thread-safe.
 */
public interface Supervisor extends AutoCloseable {

    /** Makes sure an agent runs: adopts a running one or starts one (child), or does nothing (systemd). */
    void start() throws IOException;

    /** Whether the supervised agent's process exists now. */
    boolean alive();

    /** The supervised agent's pid, when known. */
    OptionalLong pid();

    /**
     * Stops the agent ({@link Stop#GRACEFUL}: SIGTERM, stop_timeout, SIGKILL; {@link Stop#KILL}: SIGKILL at once)
     * and starts it again.
     *
     * @return what was done, for the incident journal
     */
    String restart(Stop how) throws IOException;

    /** At watchdog shutdown: stops an agent the watchdog owns; leaves a systemd unit alone. */
    @Override
    void close();
}
