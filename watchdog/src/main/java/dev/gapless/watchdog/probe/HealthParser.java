package dev.gapless.watchdog.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's /health JSON. Lenient about what it does not need (unknown fields are ignored, a
 * missing number reads as 0, a missing time as null) and strict only about the shape: a body that is
 * not a JSON object is an error, so a proxy's HTML page never passes for a healthy agent.
 */
public final class HealthParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthParser() {
    }

    /** @throws IOException when the body is not a JSON object */
    public static AgentHealth parse(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("/health did not answer a JSON object");
        }
        JsonNode j = root.path("journal");
        AgentHealth.Journal journal = new AgentHealth.Journal(
                j.path("head_seq").asLong(), j.path("durable_seq").asLong(), j.path("disk_bytes").asLong(),
                j.path("max_bytes").asLong(), j.path("full").asBoolean(false), text(j, "full_reason"));
        Map<String, AgentHealth.Input> inputs = new LinkedHashMap<>();
        root.path("inputs").fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            inputs.put(e.getKey(), new AgentHealth.Input(text(n, "type"), n.path("accepted").asLong(),
                    n.path("rejected").asLong(), time(n, "last_event_at")));
        });
        Map<String, AgentHealth.Output> outputs = new LinkedHashMap<>();
        root.path("outputs").fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            outputs.put(e.getKey(), new AgentHealth.Output(text(n, "type"), text(n, "destination"),
                    n.path("acked_seq").asLong(), n.path("head_seq").asLong(), n.path("backlog_events").asLong(),
                    n.path("backlog_bytes").asLong(), time(n, "last_ack_at"), time(n, "last_attempt_at"),
                    time(n, "in_flight_since"), n.path("consecutive_failures").asLong(), text(n, "last_error"),
                    text(n, "last_error_kind")));
        });
        List<AgentHealth.Degraded> degraded = new ArrayList<>();
        for (JsonNode d : root.path("degraded")) { // absent (an older agent) or not an array: none
            if (d.isObject() && text(d, "reason") != null) {
                degraded.add(new AgentHealth.Degraded(text(d, "reason"), time(d, "since"), text(d, "detail"),
                        text(d, "output"), text(d, "input")));
            }
        }
        return new AgentHealth(text(root, "status"), time(root, "pid"), text(root, "agent_id"), text(root, "boot_id"),
                root.path("now").asLong(), root.path("uptime_ms").asLong(), journal, inputs, outputs, degraded);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isNumber() ? null : v.asLong();
    }
}
