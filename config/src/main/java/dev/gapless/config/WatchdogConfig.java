package dev.gapless.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the watchdog supervises, probes and repairs the agent.
 *
 * @param admin           the watchdog's own /health and /metrics listener
 * @param supervise       child: the watchdog starts and owns the agent; systemd: the agent is its own unit
 * @param systemdUnit     the agent's unit, restarted with {@code systemctl restart} in systemd mode
 * @param agentCommand    child mode: the command that starts the agent; empty = the launcher's own
 *                        {@code gapless agent --config <this file>}
 * @param probeInterval   time between probes
 * @param healthTimeout   a /health that has not answered after this long counts as a bad probe
 * @param unhealthyProbes bad probes in a row before acting (hysteresis)
 * @param stallTimeout    backlog with no ack and no completed attempt for this long = stalled
 * @param stopTimeout     after SIGTERM, how long to wait before SIGKILL
 * @param restartBudget   at most this many restarts in this window, then alert only
 * @param incidents       the incident journal (JSON lines)
 * @param alerts          where alerts go besides the watchdog's log
 */
public record WatchdogConfig(
        AdminConfig admin,
        Supervise supervise,
        String systemdUnit,
        List<String> agentCommand,
        Duration probeInterval,
        Duration healthTimeout,
        int unhealthyProbes,
        Duration stallTimeout,
        Duration stopTimeout,
        RestartBudget restartBudget,
        Path incidents,
        List<AlertConfig> alerts) {

    public static final Supervise DEFAULT_SUPERVISE = Supervise.CHILD;
    public static final String DEFAULT_SYSTEMD_UNIT = "gapless-agent.service";
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_UNHEALTHY_PROBES = 3;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);
    public static final RestartBudget DEFAULT_RESTART_BUDGET = new RestartBudget(5, Duration.ofMinutes(30));
    /** Relative to data_dir when not given. */
    public static final Path DEFAULT_INCIDENTS = Path.of("watchdog", "incidents.jsonl");

    public WatchdogConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(supervise, "supervise");
        Objects.requireNonNull(systemdUnit, "systemdUnit");
        agentCommand = List.copyOf(agentCommand);
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(restartBudget, "restartBudget");
        Objects.requireNonNull(incidents, "incidents");
        alerts = List.copyOf(alerts);
    }

    /** Who owns the agent's process. */
    public enum Supervise {
        CHILD,
        SYSTEMD
    }

    /**
     * At most {@code max} restarts within any window of {@code per}.
     */
    public record RestartBudget(int max, Duration per) {
        public RestartBudget {
            Objects.requireNonNull(per, "per");
        }
    }
}
