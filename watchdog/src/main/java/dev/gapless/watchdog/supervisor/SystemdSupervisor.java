package dev.gapless.watchdog.supervisor;

import dev.gapless.watchdog.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as its own systemd unit: the watchdog restarts it with {@code systemctl restart <unit>}
 * and otherwise leaves it to systemd (which may restart it on its own: the policy notices the new
 * boot_id and counts it). The agent's pid is read from {@code run/agent.pid}.
 */
public final class SystemdSupervisor implements Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdSupervisor.class);
    /** systemctl restart waits for the unit's own stop timeout; past stop_timeout plus this it is abandoned. */
    static final Duration SYSTEMCTL_MARGIN = Duration.ofSeconds(30);

    private final List<String> systemctl;
    private final String unit;
    private final RunFiles run;
    private final Duration stopTimeout;

    /** @param systemctl the systemctl command, normally {@code ["systemctl"]} (tests substitute a script) */
    public SystemdSupervisor(List<String> systemctl, String unit, RunFiles run, Duration stopTimeout) {
        this.systemctl = List.copyOf(systemctl);
        this.unit = unit;
        this.run = run;
        this.stopTimeout = stopTimeout;
    }

    @Override
    public void start() {
        // systemd starts the unit; nothing to do.
    }

    @Override
    public boolean alive() {
        OptionalLong pid = pid();
        return pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public OptionalLong pid() {
        return run.agentPid();
    }

    /**
     * {@code systemctl restart <unit>}; for {@link Stop#KILL}, first SIGKILL to the pid in {@code run/agent.pid}
     * (systemd's own stop would send SIGTERM and wait its stop timeout). The watchdog sends it itself: it runs as
     * the agent's user, and the polkit rule grants it the verb {@code restart} only, not {@code kill}.
     */
    @Override
    public String restart(Stop how) throws IOException {
        String killed = "";
        if (how == Stop.KILL) {
            OptionalLong pid = pid();
            killed = pid.isEmpty() ? "no agent pid to kill; "
                    : ProcessHandle.of(pid.getAsLong()).map(h -> ProcessStopper.stop(h, Stop.KILL, stopTimeout))
                            .orElse("process " + pid.getAsLong() + " already gone") + "; ";
        }
        return killed + systemctl("restart", unit);
    }

    private String systemctl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(systemctl);
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("gapless-systemctl", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
            long waitMs = stopTimeout.plus(SYSTEMCTL_MARGIN).toMillis();
            if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + waitMs + "ms");
            }
            String said = Files.readString(log).strip();
            if (said.length() > 500) {
                said = said.substring(0, 500) + "…";
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + said);
            }
            LOG.info("{} done", String.join(" ", cmd));
            return String.join(" ", cmd) + " exited 0";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + String.join(" ", cmd), e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    @Override
    public void close() {
        // The unit is systemd's: the watchdog going away does not stop it.
    }
}
