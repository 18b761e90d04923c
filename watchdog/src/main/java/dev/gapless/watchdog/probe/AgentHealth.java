package dev.gapless.watchdog.probe;

import java.util.List;
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
 * @param degraded why the agent says it cannot take or hand on events; empty when it does not (or predates the list)
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
        Map<String, Output> outputs,
        List<Degraded> degraded) {

    public AgentHealth {
        Objects.requireNonNull(journal, "journal");
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
        degraded = List.copyOf(degraded);
    }

    /** An answer with no {@code degraded} entry. */
    public AgentHealth(String status, Long pid, String agentId, String bootId, long now, long uptimeMs, Journal journal,
                       Map<String, Input> inputs, Map<String, Output> outputs) {
        this(status, pid, agentId, bootId, now, uptimeMs, journal, inputs, outputs, List.of());
    }

    /** When the agent started, by its own clock. */
    public long startedAt() {
        return now - uptimeMs;
    }

    /**
     * One entry of {@code degraded}: a reason from the agent's closed list (docs/architecture.md), kept as the agent
     * wrote it, so a reason this watchdog does not know is still shown.
     *
     * @param since  when the condition began, or null if not given
     * @param output the output it concerns ({@code cursor_commit_failing}), else null
     * @param input  the input it concerns ({@code ingest_blocked}), else null
     */
    public record Degraded(String reason, Long since, String detail, String output, String input) {
    }

    /** The journal's fill. */
    public record Journal(long headSeq, long durableSeq, long diskBytes, long maxBytes, boolean full,
            String fullReason) {
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
