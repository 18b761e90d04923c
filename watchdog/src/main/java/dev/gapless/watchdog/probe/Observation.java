package dev.gapless.watchdog.probe;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one probe saw, the only input of the policy.
 *
 * @param at           the watchdog's clock when the probe started
 * @param process      whether the supervised agent process exists, and whether it is stopped
 * @param health       the /health probe; empty when the process was gone and /health was not asked
 * @param destinations output id → the watchdog's probe of its destination (only outputs that were probed)
 */
public record Observation(
        Instant at,
        ProcessStatus process,
        Optional<HealthResult> health,
        Map<String, DestinationStatus> destinations) {

    public Observation {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(health, "health");
        destinations = Map.copyOf(destinations);
    }

    /** Whether the supervised agent process exists (running or stopped). */
    public boolean processAlive() {
        return process != ProcessStatus.GONE;
    }

    /** The agent's answer, when /health answered. */
    public Optional<AgentHealth> agent() {
        return health.flatMap(HealthResult::health);
    }
}
