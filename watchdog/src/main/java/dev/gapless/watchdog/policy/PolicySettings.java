package dev.gapless.watchdog.policy;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.WatchdogConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The figures the policy needs, taken from the config once.
 *
 * @param supervise         in systemd mode a vanished process gets unhealthy_probes probes for systemd's own restart
 * @param unhealthyProbes   a condition must be seen this many probes in a row before anything is done
 * @param stallTimeout      see {@link WatchdogConfig#stallTimeout()}
 * @param probeInterval     the unit of the restart backoff
 * @param budgetMax         at most this many restarts within budgetPer
 * @param budgetPer         the sliding window of the restart budget
 * @param startGrace        after a start, /health failures do not count until it answered once or this passed
 * @param expectEventsEvery input id → how often it must accept something
 */
public record PolicySettings(
        WatchdogConfig.Supervise supervise,
        int unhealthyProbes,
        Duration stallTimeout,
        Duration probeInterval,
        int budgetMax,
        Duration budgetPer,
        Duration startGrace,
        Map<String, Duration> expectEventsEvery) {

    /** The cap on the restart backoff: past it, restarts are at most this far apart (until the budget stops them). */
    public static final Duration MAX_RESTART_BACKOFF = Duration.ofMinutes(5);
    /**
     * The start grace is never shorter than this: the agent's JVM and journal take seconds to start, and a
     * stall_timeout tuned for uploads must not have a starting agent restarted as wedged.
     */
    public static final Duration MIN_START_GRACE = Duration.ofSeconds(10);
    /** At or above this share of journal.max_bytes the journal counts as full. */
    public static final double JOURNAL_FULL_RATIO = 0.95;

    public PolicySettings {
        Objects.requireNonNull(supervise, "supervise");
        if (unhealthyProbes < 1) {
            unhealthyProbes = 1;
        }
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(budgetPer, "budgetPer");
        Objects.requireNonNull(startGrace, "startGrace");
        expectEventsEvery = Map.copyOf(expectEventsEvery);
    }

    /**
     * The start grace is stall_timeout, at least {@link #MIN_START_GRACE}: an agent that has not answered /health
     * by then is judged like any other.
     */
    public static PolicySettings from(GaplessConfig config) {
        WatchdogConfig w = config.watchdog();
        Map<String, Duration> expect = new LinkedHashMap<>();
        for (InputConfig in : config.inputs()) {
            in.expectEventsEvery().ifPresent(d -> expect.put(in.id(), d));
        }
        return new PolicySettings(w.supervise(), w.unhealthyProbes(), w.stallTimeout(), w.probeInterval(),
                w.restartBudget().max(), w.restartBudget().per(),
                w.stallTimeout().compareTo(MIN_START_GRACE) > 0 ? w.stallTimeout() : MIN_START_GRACE, expect);
    }
}
