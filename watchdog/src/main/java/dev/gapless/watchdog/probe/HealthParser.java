package dev.gapless.watchdog.probe;

import static dev.gapless.contract.HealthFields.ACCEPTED;
import static dev.gapless.contract.HealthFields.ACKED_SEQ;
import static dev.gapless.contract.HealthFields.AGENT_ID;
import static dev.gapless.contract.HealthFields.BACKLOG_BYTES;
import static dev.gapless.contract.HealthFields.BACKLOG_EVENTS;
import static dev.gapless.contract.HealthFields.BOOT_ID;
import static dev.gapless.contract.HealthFields.CONSECUTIVE_FAILURES;
import static dev.gapless.contract.HealthFields.CONTRACT;
import static dev.gapless.contract.HealthFields.DEGRADED;
import static dev.gapless.contract.HealthFields.DESTINATION;
import static dev.gapless.contract.HealthFields.DETAIL;
import static dev.gapless.contract.HealthFields.DISK_BYTES;
import static dev.gapless.contract.HealthFields.DURABLE_SEQ;
import static dev.gapless.contract.HealthFields.FULL;
import static dev.gapless.contract.HealthFields.FULL_REASON;
import static dev.gapless.contract.HealthFields.HEAD_SEQ;
import static dev.gapless.contract.HealthFields.INPUT;
import static dev.gapless.contract.HealthFields.INPUTS;
import static dev.gapless.contract.HealthFields.IN_FLIGHT_SINCE;
import static dev.gapless.contract.HealthFields.JOURNAL;
import static dev.gapless.contract.HealthFields.LAST_ACK_AT;
import static dev.gapless.contract.HealthFields.LAST_ATTEMPT_AT;
import static dev.gapless.contract.HealthFields.LAST_ERROR;
import static dev.gapless.contract.HealthFields.LAST_ERROR_KIND;
import static dev.gapless.contract.HealthFields.LAST_EVENT_AT;
import static dev.gapless.contract.HealthFields.MAX_BYTES;
import static dev.gapless.contract.HealthFields.NOW;
import static dev.gapless.contract.HealthFields.OUTPUT;
import static dev.gapless.contract.HealthFields.OUTPUTS;
import static dev.gapless.contract.HealthFields.PID;
import static dev.gapless.contract.HealthFields.REASON;
import static dev.gapless.contract.HealthFields.REJECTED;
import static dev.gapless.contract.HealthFields.SINCE;
import static dev.gapless.contract.HealthFields.STATUS;
import static dev.gapless.contract.HealthFields.TYPE;
import static dev.gapless.contract.HealthFields.UPTIME_MS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's /health JSON, contract version 1 ({@link dev.gapless.contract.HealthFields}). Strict on the
 * fields of version 1: each must be there with its type (a time may be {@code null}), or the answer is an error
 * naming the field, never a silent zero (a missing {@code acked_seq} read as 0 would look like no progress). Fields
 * it does not know are ignored, and so is a {@code contract} above 1, whose documents keep the version-1 fields.
 * {@code degraded}, added within version 1, may be absent (an older agent): none; an entry of it without a
 * {@code reason} is skipped.
 */
public final class HealthParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthParser() {
    }

    /** @throws IOException when the body is not a JSON object, or a version-1 field is missing or mistyped */
    public static AgentHealth parse(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("/health did not answer a JSON object");
        }
        JsonNode contract = root.get(CONTRACT);
        if (contract != null && !(contract.isInt() && contract.asInt() >= 1)) {
            throw new IOException("/health: '" + CONTRACT + "' is " + contract + ", not a version number");
        }
        JsonNode j = object(root, JOURNAL, JOURNAL);
        AgentHealth.Journal journal = new AgentHealth.Journal(number(j, HEAD_SEQ, JOURNAL),
                number(j, DURABLE_SEQ, JOURNAL), number(j, DISK_BYTES, JOURNAL), number(j, MAX_BYTES, JOURNAL),
                bool(j, FULL, JOURNAL), nullableText(j, FULL_REASON, JOURNAL));
        Map<String, AgentHealth.Input> inputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(root, INPUTS, INPUTS).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = INPUTS + "." + e.getKey();
            JsonNode n = object(e.getValue(), at);
            inputs.put(e.getKey(), new AgentHealth.Input(text(n, TYPE, at), number(n, ACCEPTED, at),
                    number(n, REJECTED, at), time(n, LAST_EVENT_AT, at)));
        }
        Map<String, AgentHealth.Output> outputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(root, OUTPUTS, OUTPUTS).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = OUTPUTS + "." + e.getKey();
            JsonNode n = object(e.getValue(), at);
            outputs.put(e.getKey(), new AgentHealth.Output(text(n, TYPE, at), nullableText(n, DESTINATION, at),
                    number(n, ACKED_SEQ, at), number(n, HEAD_SEQ, at), number(n, BACKLOG_EVENTS, at),
                    number(n, BACKLOG_BYTES, at), time(n, LAST_ACK_AT, at), time(n, LAST_ATTEMPT_AT, at),
                    time(n, IN_FLIGHT_SINCE, at), number(n, CONSECUTIVE_FAILURES, at),
                    nullableText(n, LAST_ERROR, at), nullableText(n, LAST_ERROR_KIND, at)));
        }
        List<AgentHealth.Degraded> degraded = new ArrayList<>();
        JsonNode list = root.get(DEGRADED);
        if (list != null && !list.isArray()) {
            throw new IOException("/health: '" + DEGRADED + "' is not an array");
        }
        for (JsonNode d : list == null ? JSON.createArrayNode() : list) {
            // An entry without a reason says nothing the watchdog could act on: skipped, as a field it does not know.
            if (d.isObject() && d.path(REASON).isTextual()) {
                JsonNode since = d.get(SINCE);
                degraded.add(new AgentHealth.Degraded(d.get(REASON).asText(),
                        since != null && since.isIntegralNumber() ? since.asLong() : null, optionalText(d, DETAIL),
                        optionalText(d, OUTPUT), optionalText(d, INPUT)));
            }
        }
        return new AgentHealth(text(root, STATUS, ""), time(root, PID, ""), text(root, AGENT_ID, ""),
                text(root, BOOT_ID, ""), number(root, NOW, ""), number(root, UPTIME_MS, ""), journal, inputs,
                outputs, degraded);
    }

    private static JsonNode object(JsonNode parent, String field, String at) throws IOException {
        return object(present(parent, field, at), at);
    }

    private static JsonNode object(JsonNode n, String at) throws IOException {
        if (!n.isObject()) {
            throw new IOException("/health: '" + at + "' is not an object");
        }
        return n;
    }

    private static JsonNode present(JsonNode n, String field, String at) throws IOException {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new IOException("/health: '" + name(at, field) + "' is missing");
        }
        return v;
    }

    private static long number(JsonNode n, String field, String at) throws IOException {
        JsonNode v = present(n, field, at);
        if (!v.isIntegralNumber()) {
            throw new IOException("/health: '" + name(at, field) + "' is " + v + ", not an integer");
        }
        return v.asLong();
    }

    /** A time in epoch milliseconds, or null: present either way. */
    private static Long time(JsonNode n, String field, String at) throws IOException {
        JsonNode v = present(n, field, at);
        return v.isNull() ? null : number(n, field, at);
    }

    private static boolean bool(JsonNode n, String field, String at) throws IOException {
        JsonNode v = present(n, field, at);
        if (!v.isBoolean()) {
            throw new IOException("/health: '" + name(at, field) + "' is " + v + ", not true or false");
        }
        return v.asBoolean();
    }

    private static String text(JsonNode n, String field, String at) throws IOException {
        String s = nullableText(n, field, at);
        if (s == null) {
            throw new IOException("/health: '" + name(at, field) + "' is null");
        }
        return s;
    }

    private static String nullableText(JsonNode n, String field, String at) throws IOException {
        JsonNode v = present(n, field, at);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IOException("/health: '" + name(at, field) + "' is " + v + ", not a string");
        }
        return v.asText();
    }

    /** A field added within version 1 or optional in it: absent or null reads as null. */
    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String name(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }
}
