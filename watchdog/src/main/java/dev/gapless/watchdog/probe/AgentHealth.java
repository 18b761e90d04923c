package dev.gapless.watchdog.probe;

import java.util.Map;
import java.util.Objects;

/**
 * The agent's {@code GET /health} answer, as far as the watchdog reads it (see docs/architecture.md).
 * Times are epoch milliseconds; {@code null} where the agent said {@code null} or gave nothing.
 *
 * @param pid      the agent's process id
 * @param bootId   new at every start of the agent; a change the watchdog did not cause is an outside restart
 * @param now      the agent's clock when it answered; every age below is measured against it
 * @param uptimeMs time since the agent started; the reference for "never" (a null time)
 */
public record AgentHealth(
        String status,
        Long pid,
        String agentId,
        String bootId,
        long now,
        long uptimeMs,
        Journal journal,
        Map<String, Input> inputs,
        Map<String, Output> outputs) {

    public AgentHealth {
        Objects.requireNonNull(journal, "journal");
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
    }

    /** When the agent started, by its own clock. */
    public long startedAt() {
        return now - uptimeMs;
    }

    /** The journal's fill. */
    public record Journal(long headSeq, long durableSeq, long diskBytes, long maxBytes, boolean full, String fullReason) {
    }

    /** One input's progress. */
    public record Input(String type, long accepted, long rejected, Long lastEventAt) {
    }

    /** One output's delivery progress. */
    public record Output(
            String type,
            String destination,
            long ackedSeq,
            long headSeq,
            long backlogEvents,
            long backlogBytes,
            Long lastAckAt,
            Long lastAttemptAt,
            Long inFlightSince,
            long consecutiveFailures,
            String lastError,
            String lastErrorKind) {
    }
}
