package dev.gapless.agent.output.splunkhec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.http.HttpClient;
import dev.gapless.agent.output.http.HttpSink;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a HEC answer means. HEC answers {@code {"text": …, "code": N}} and the code, not the HTTP status alone, says
 * whose fault a failure is. {@link #DOCUMENTED} is Splunk's table of HEC status codes (Troubleshoot HTTP Event
 * Collector, "Possible error codes"), each with its HTTP status and whose fault it is: only the events' own faults
 * reject (and HTTP 413, a request over {@code max_content_length}), so the worker splits the batch down to the
 * events at fault, dead-letters and declares them; a code of the destination or of the configuration (the token,
 * the channel, the index, the URL) is retried until it clears or an operator fixes it (the watchdog alerts on the
 * failures piling up), never dead-lettering events that are not at fault. A code not in the table is retried too.
 * An answer without a HEC code (a proxy's) is classified by its HTTP status, as the http output does.
 */
final class HecCodes {

    static final int SUCCESS = 0;

    /** Whose fault a code is, which decides the outcome. */
    enum Fault {
        /** Not a failure. */
        NONE,
        /** The events: rejected, split down to the events at fault and dead-lettered. */
        EVENTS,
        /** The token, channel, index or URL this output is configured with: retried; an ack wait ends at once. */
        CONFIGURATION,
        /** The destination's trouble (busy, unhealthy, shutting down): retried, honouring Retry-After. */
        DESTINATION
    }

    /** One documented code: its HTTP status, Splunk's text, and whose fault it is. */
    record Code(int code, int httpStatus, String text, Fault fault) {
    }

    /**
     * Splunk's documented codes. 17 to 25 are answers of {@code /services/collector/health}: met on the event or ack
     * endpoint they say the url points elsewhere than meant (17, 21, 22) or that HEC is unhealthy (18 to 20, 23) or
     * near capacity (24, 25 — a 200 that is not code 0, so not a success: sent again, a duplicate at worst).
     */
    static final List<Code> DOCUMENTED = List.of(
            new Code(0, 200, "Success", Fault.NONE),
            new Code(1, 403, "Token disabled", Fault.CONFIGURATION),
            new Code(2, 401, "Token is required", Fault.CONFIGURATION),
            new Code(3, 401, "Invalid authorization", Fault.CONFIGURATION),
            new Code(4, 403, "Invalid token", Fault.CONFIGURATION),
            new Code(5, 400, "No data", Fault.EVENTS),
            new Code(6, 400, "Invalid data format", Fault.EVENTS),
            new Code(7, 400, "Incorrect index", Fault.CONFIGURATION),
            new Code(8, 500, "Internal server error", Fault.DESTINATION),
            new Code(9, 503, "Server is busy", Fault.DESTINATION),
            new Code(10, 400, "Data channel is missing", Fault.CONFIGURATION),
            new Code(11, 400, "Invalid data channel", Fault.CONFIGURATION),
            new Code(12, 400, "Event field is required", Fault.EVENTS),
            new Code(13, 400, "Event field cannot be blank", Fault.EVENTS),
            new Code(14, 400, "ACK is disabled", Fault.CONFIGURATION),
            new Code(15, 400, "Error in handling indexed fields", Fault.EVENTS),
            new Code(16, 400, "Query string authorization is not enabled", Fault.CONFIGURATION),
            new Code(17, 200, "HEC is healthy", Fault.CONFIGURATION),
            new Code(18, 503, "HEC is unhealthy, queues are full", Fault.DESTINATION),
            new Code(19, 503, "HEC is unhealthy, ack service unavailable", Fault.DESTINATION),
            new Code(20, 503, "HEC is unhealthy, queues are full, ack service unavailable", Fault.DESTINATION),
            new Code(21, 400, "Invalid token", Fault.CONFIGURATION),
            new Code(22, 400, "Token disabled", Fault.CONFIGURATION),
            new Code(23, 503, "Server is shutting down", Fault.DESTINATION),
            new Code(24, 200, "HEC queue is approaching its capacity limit", Fault.DESTINATION),
            new Code(25, 200, "HEC ACK is approaching its capacity limit", Fault.DESTINATION),
            new Code(26, 429, "HEC queue is at capacity and cannot process any more requests", Fault.DESTINATION),
            new Code(27, 429, "HEC ACK channel is at capacity and cannot process any more requests",
                    Fault.DESTINATION));

    private static final Map<Integer, Code> BY_CODE = DOCUMENTED.stream()
            .collect(Collectors.toUnmodifiableMap(Code::code, Function.identity()));
    private static final ObjectMapper JSON = new ObjectMapper();

    private HecCodes() {
    }

    /** Whose fault a code is; a code not documented is the destination's (retried). */
    static Fault fault(int code) {
        Code c = BY_CODE.get(code);
        return c == null ? Fault.DESTINATION : c.fault();
    }

    /** The answer's JSON, or null when it is not a JSON object. */
    static JsonNode parse(HttpClient.Response r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The HEC code of an answer, or -1 when it carries none. */
    static int code(JsonNode answer) {
        return answer != null && answer.path("code").isInt() ? answer.path("code").asInt() : -1;
    }

    /** The outcome of an answer that is not a success. */
    static Outcome failure(HttpClient.Response r, JsonNode answer) {
        int code = code(answer);
        if (code < 0) {
            return HttpSink.classify(r.status(), r.retryAfter(), r.shortBody());
        }
        String what = "HEC code " + code + " (HTTP " + r.status() + "): " + answer.path("text").asText("")
                + (answer.has("invalid-event-number") ? ", event " + answer.path("invalid-event-number").asText()
                        : "");
        if (fault(code) == Fault.EVENTS || r.status() == 413) {
            return new Outcome.Rejected(what);
        }
        return new Outcome.Retryable(Outcome.ErrorKind.REFUSED, what, HttpSink.parseRetryAfter(r.retryAfter()));
    }
}
