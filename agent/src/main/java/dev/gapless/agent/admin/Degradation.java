package dev.gapless.agent.admin;

import dev.gapless.contract.DegradedReason;
import java.util.Objects;

/**
 * One entry of /health's {@code degraded} array: why the agent cannot take or hand on events right now. The reasons
 * are the contract's closed list ({@link DegradedReason}); the watchdog maps each to a decision.
 *
 * @param since  epoch ms since when the condition holds
 * @param detail what exactly, for a person (figures, the error)
 * @param output the output concerned ({@code cursor_commit_failing}), else null
 * @param input  the input concerned ({@code ingest_blocked}), else null
 */
public record Degradation(DegradedReason reason, long since, String detail, String output, String input) {

    public Degradation {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
