package dev.gapless.watchdog.probe;

import java.util.Objects;
import java.util.Optional;

/**
 * One probe of the agent's /health: an answer, or why there was none.
 *
 * @param health   the parsed answer, when there was one
 * @param timedOut no answer within health_timeout (as opposed to a refused connection or a bad body)
 * @param error    what went wrong, for the incident; null when answered
 * @param latencyMs how long the probe took
 */
public record HealthResult(Optional<AgentHealth> health, boolean timedOut, String error, long latencyMs) {

    public HealthResult {
        Objects.requireNonNull(health, "health");
    }

    public static HealthResult answered(AgentHealth h, long latencyMs) {
        return new HealthResult(Optional.of(h), false, null, latencyMs);
    }

    public static HealthResult timedOut(String error, long latencyMs) {
        return new HealthResult(Optional.empty(), true, error, latencyMs);
    }

    public static HealthResult failed(String error, long latencyMs) {
        return new HealthResult(Optional.empty(), false, error, latencyMs);
    }

    public boolean ok() {
        return health.isPresent();
    }
}
