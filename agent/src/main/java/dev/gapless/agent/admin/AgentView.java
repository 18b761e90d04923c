package dev.gapless.agent.admin;

import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.output.OutputStatus;
import java.util.List;
import java.util.UUID;

/**
 * The in-memory state /health and /metrics report. Reading it takes no lock and touches neither the network
 * nor the disk.
 *
 * @param agentId   the persistent agent id
 * @param bootId    this run's boot id
 * @param version   the agent's version
 * @param startedAt epoch ms of this run's start
 * @param filters   the filter chain's counters, in chain order
 */
public record AgentView(UUID agentId, UUID bootId, String version, long startedAt, Journal journal,
                        List<InputStats> inputs, List<OutputStatus> outputs, List<FilterStats> filters) {

    public AgentView {
        filters = List.copyOf(filters);
    }

    /** A view of an agent without filters. */
    public AgentView(UUID agentId, UUID bootId, String version, long startedAt, Journal journal,
                     List<InputStats> inputs, List<OutputStatus> outputs) {
        this(agentId, bootId, version, startedAt, journal, inputs, outputs, List.of());
    }
}
