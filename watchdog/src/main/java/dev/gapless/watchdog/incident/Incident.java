package dev.gapless.watchdog.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.watchdog.policy.Decision;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the incident journal, and the body of an alert (docs/watchdog.md, "Incident journal").
 *
 * @param time        when the watchdog decided (RFC 3339, UTC)
 * @param decision    the policy's decision
 * @param actionTaken what the watchdog actually did, e.g. "stopped by SIGTERM in 80ms; started pid 4243"
 * @param agentPid    the agent's pid at the time, or null
 * @param threadDump  the thread dump taken before a restart, or null
 */
public record Incident(Instant time, Decision decision, String actionTaken, Long agentPid, String threadDump) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Incident {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(actionTaken, "actionTaken");
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", time.toString());
        n.put("decision", decision.action().wireName());
        n.put("cause", decision.cause().wireName());
        n.put("output", decision.output());
        n.put("input", decision.input());
        n.set("observations", JSON.valueToTree(decision.details()));
        n.put("action_taken", actionTaken);
        n.put("restart_count_in_window", decision.restartCountInWindow());
        n.put("agent_pid", agentPid);
        n.put("thread_dump", threadDump);
        return n;
    }

    /** One line of JSON, no newline. */
    public String toJsonLine() {
        return toJson().toString();
    }
}
