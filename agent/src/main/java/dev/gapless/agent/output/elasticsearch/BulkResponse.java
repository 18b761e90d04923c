package dev.gapless.agent.output.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.output.http.HttpSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a {@code _bulk} answer (HTTP 200, also when items failed) says of each item, in request order: stored (201,
 * or 409: a {@code create} of an {@code _id} an earlier try stored), to retry (the cluster's trouble: 429, 5xx, the
 * statuses the one HTTP rule retries, and the few 4xx error types that are the index's state, not the event's), or
 * refused for good (a mapping conflict, a malformed document: the event's fault).
 */
final class BulkResponse {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 4xx error types caused by the index or the cluster, not the document: retried like 5xx. */
    private static final Set<String> DESTINATION_ERRORS = Set.of("index_closed_exception", "cluster_block_exception",
            "invalid_index_name_exception", "index_not_found_exception");

    /** Items to send again (indexes into the request's items), with the first one's reason. */
    final List<Integer> retry = new ArrayList<>();
    String retryReason;
    /** Items refused for good, with the first one's reason. */
    final List<Integer> refused = new ArrayList<>();
    String refusedReason;

    private BulkResponse() {
    }

    /**
     * @param items the request's item count: the answer must list as many
     * @throws IOException when the answer is not a bulk answer for this request (retried: a resend is idempotent)
     */
    static BulkResponse parse(byte[] body, int items) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("the bulk answer is not a JSON object");
        }
        BulkResponse r = new BulkResponse();
        if (!root.path("errors").asBoolean(true) && !root.has("items")) {
            return r; // filtered down to "errors": false
        }
        JsonNode list = root.path("items");
        if (!list.isArray() || list.size() != items) {
            throw new IOException("the bulk answer lists " + (list.isArray() ? list.size() : 0) + " items for "
                    + items + " sent");
        }
        for (int i = 0; i < items; i++) {
            JsonNode item = list.get(i);
            JsonNode result = item.isObject() && item.size() == 1 ? item.elements().next() : null;
            if (result == null || !result.path("status").isInt()) {
                throw new IOException("bulk answer item " + i + " has no status");
            }
            int status = result.path("status").asInt();
            if (status >= 200 && status < 300 || status == 409) {
                continue;
            }
            JsonNode error = result.path("error");
            String type = error.path("type").asText("");
            String reason = "item status " + status + (type.isEmpty() ? "" : " " + type)
                    + (error.path("reason").isTextual() ? ": " + error.path("reason").asText() : "");
            if (HttpSink.isRetryable(status) || DESTINATION_ERRORS.contains(type)) {
                r.retry.add(i);
                r.retryReason = r.retryReason == null ? reason : r.retryReason;
            } else {
                r.refused.add(i);
                r.refusedReason = r.refusedReason == null ? reason : r.refusedReason;
            }
        }
        return r;
    }
}
