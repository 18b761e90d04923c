package dev.gapless.agent.output.splunkhec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.http.HttpClient;
import dev.gapless.agent.output.http.HttpSink;
import java.io.IOException;
import java.util.Set;

/**
 * What a HEC answer means. HEC answers {@code {"text": …, "code": N}} and the code, not the HTTP status alone, says
 * whose fault a failure is: only the events' own faults reject (5 no data, 6 invalid data format, 12 event field
 * required, 13 event field blank, 15 error in handling indexed fields; and HTTP 413, a request over
 * {@code max_content_length}); every other code — 1 token disabled, 2 token required, 3 invalid authorization,
 * 4 invalid token, 7 incorrect index, 8 internal error, 9 server busy, 10 channel missing, 11 invalid channel,
 * 14 ack disabled, 18 and 19 unhealthy… — is the destination's or the configuration's, retried until an operator
 * fixes it (the watchdog alerts on the failures piling up). An answer without a HEC code (a proxy's) is classified
 * by its HTTP status, as the http output does.
 */
final class HecCodes {

    static final int SUCCESS = 0;
    /** The events' own faults. */
    private static final Set<Integer> REJECTING = Set.of(5, 6, 12, 13, 15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HecCodes() {
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
        if (REJECTING.contains(code) || r.status() == 413) {
            return new Outcome.Rejected(what);
        }
        return new Outcome.Retryable(Outcome.ErrorKind.REFUSED, what, HttpSink.parseRetryAfter(r.retryAfter()));
    }
}
