package dev.gapless.watchdog.policy;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.OutputConfig;
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
 * @param sendTimeouts      output id → the output's own bound on one send (http {@code timeout}); an output
 *                          without one (tcp, file) is judged by stall_timeout alone
 */
public record PolicySettings(
        WatchdogConfig.Supervise supervise,
        int unhealthyProbes,
        Duration stallTimeout,
        Duration probeInterval,
        int budgetMax,
        Duration budgetPer,
        Duration startGrace,
        Map<String, Duration> expectEventsEvery,
        Map<String, Duration> sendTimeouts) {

    /** The cap on the restart backoff: past it, restarts are at most this far apart (until the budget stops them). */
    public static final Duration MAX_RESTART_BACKOFF = Duration.ofMinutes(5);
    /**
     * The start grace is never shorter than this: the agent's JVM and journal take seconds to start, and a
     * stall_timeout tuned for uploads must not have a starting agent restarted as wedged.
     */
    public static final Duration MIN_START_GRACE = Duration.ofSeconds(10);
    /**
     * A send in flight longer than its output's timeout plus this is the agent's fault: its own timer should have
     * ended it. The grace covers the connect (an HTTP request's timer starts once connected), the agent's work
     * while the batch travels (the previous cursor's fsync, reading the next batch) and a late timer (a GC pause).
     * Until then a long send is the destination's ({@code destination_slow}).
     */
    public static final Duration SEND_TIMEOUT_GRACE = Duration.ofSeconds(5);
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
        sendTimeouts = Map.copyOf(sendTimeouts);
    }

    /**
     * How long one send of this output may be in flight before it is the agent's fault: the output's timeout plus
     * {@link #SEND_TIMEOUT_GRACE}, never less than stall_timeout; stall_timeout for an output without a timeout.
     */
    public Duration sendDeadline(String outputId) {
        Duration timeout = sendTimeouts.get(outputId);
        if (timeout == null) {
            return stallTimeout;
        }
        Duration d = timeout.plus(SEND_TIMEOUT_GRACE);
        return d.compareTo(stallTimeout) > 0 ? d : stallTimeout;
    }

    /**
     * A {@code destination_slow} alert is resolved once no probe saw a slow send for this long. Every slow send
     * shows as slow only after stall_timeout in flight, so a destination slow on every request is seen again
     * within stall_timeout plus two probes; twice that leaves room for probes slowed by health_timeout.
     */
    public Duration slowClearsAfter() {
        return stallTimeout.plus(probeInterval).multipliedBy(2);
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
        Map<String, Duration> sendTimeouts = new LinkedHashMap<>();
        for (OutputConfig out : config.outputs()) {
            out.sendTimeout().ifPresent(t -> sendTimeouts.put(out.id(), t));
        }
        return new PolicySettings(w.supervise(), w.unhealthyProbes(), w.stallTimeout(), w.probeInterval(),
                w.restartBudget().max(), w.restartBudget().per(),
                w.stallTimeout().compareTo(MIN_START_GRACE) > 0 ? w.stallTimeout() : MIN_START_GRACE, expect,
                sendTimeouts);
    }
}
