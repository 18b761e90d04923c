package dev.gapless.agent.output.splunkhec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Splunk HTTP Event Collector as Splunk documents it, in process on 127.0.0.1. {@code POST
 * /services/collector/event}: {@code Authorization: Splunk <token>} (none: 401 code 2; not {@code Splunk …}: 401
 * code 3; unknown: 403 code 4; disabled: 403 code 1); with indexer acknowledgement on, a channel header is required
 * (none: 400 code 10; not a GUID: 400 code 11); the body is concatenated JSON event objects, each checked in turn
 * (no body: 400 code 5; not JSON: 400 code 6; no {@code event}: code 12; a blank one: code 13; an indexed field
 * not a string or list of strings: code 15; all with {@code invalid-event-number}) — the events before a bad one
 * are indexed, as HEC does; an index not allowed: 400 code 7. Success is {@code {"text":"Success","code":0}}, with
 * {@code "ackId":N} when ack is on (ids per channel from 0). {@code POST /services/collector/ack?channel=…} with
 * {@code {"acks":[…]}} answers {@code {"acks":{"N":bool}}}, an id turning true after {@link #acksFalseFor} polls;
 * ack off: 400 code 14. {@link #restart()} forgets every pending ackId (they then stay false), as an indexer restart
 * does. {@code GET /services/collector/health}: 200 code 17, or 503 code 18 while {@link #busy}, when event
 * requests get 503 code 9 with Retry-After.
 */
final class FakeHec implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    record Request(String path, String query, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final String token;
    volatile boolean tokenDisabled;
    volatile boolean ackEnabled = true;
    volatile boolean busy;
    volatile int acksFalseFor;
    volatile String allowedIndex;
    volatile long delayMillis;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> indexed = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Integer> scriptedStatus = new ConcurrentLinkedQueue<>();
    // per channel: next ackId, and each pending ackId's polls so far; guarded by this
    private final Map<String, Long> nextAckId = new HashMap<>();
    private final Map<String, Map<Long, Integer>> pending = new HashMap<>();
    private final Map<String, Map<Long, Boolean>> acked = new HashMap<>();

    FakeHec(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** An indexer restart: ackIds not yet acknowledged are forgotten and never turn true. */
    synchronized void restart() {
        pending.clear();
    }

    long polls() {
        return requests.stream().filter(r -> r.path.equals("/services/collector/ack")).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        requests.add(new Request(path, ex.getRequestURI().getRawQuery(), Map.copyOf(ex.getRequestHeaders()), body));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis); // the slow collector under test: the client's timeout ends it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (path.equals("/services/collector/health")) {
            answer(ex, busy ? 503 : 200, busy ? 18 : 17, busy ? "HEC is unhealthy, queues are full" : "HEC is healthy",
                    null);
            return;
        }
        Integer scripted = scriptedStatus.poll();
        if (scripted != null) {
            answer(ex, scripted, 8, "scripted", null);
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            answer(ex, 401, 2, "Token is required", null);
            return;
        }
        if (!auth.startsWith("Splunk ")) {
            answer(ex, 401, 3, "Invalid authorization", null);
            return;
        }
        if (!auth.substring(7).equals(token)) {
            answer(ex, 403, 4, "Invalid token", null);
            return;
        }
        if (tokenDisabled) {
            answer(ex, 403, 1, "Token disabled", null);
            return;
        }
        String channel = ex.getRequestHeaders().getFirst("X-Splunk-Request-Channel");
        if (path.equals("/services/collector/ack")) {
            String q = ex.getRequestURI().getRawQuery();
            if (q != null && q.startsWith("channel=")) {
                channel = q.substring(8);
            }
            ack(ex, channel, body);
        } else if (path.equals("/services/collector/event")) {
            event(ex, channel, body);
        } else {
            answer(ex, 404, 404, "The requested URL was not found on this server.", null);
        }
    }

    private void event(HttpExchange ex, String channel, String body) throws IOException {
        if (busy) {
            answer(ex, 503, 9, "Server is busy", "5");
            return;
        }
        if (ackEnabled && channel == null) {
            answer(ex, 400, 10, "Data channel is missing", null);
            return;
        }
        if (ackEnabled && !isGuid(channel)) {
            answer(ex, 400, 11, "Invalid data channel", null);
            return;
        }
        if (body.isBlank()) {
            answer(ex, 400, 5, "No data", null);
            return;
        }
        int n = 0;
        try (JsonParser p = JSON.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken(), n++) {
                JsonNode e;
                try {
                    e = JSON.readTree(p);
                } catch (IOException bad) {
                    invalid(ex, 6, "Invalid data format", n);
                    return;
                }
                if (!e.isObject()) {
                    invalid(ex, 6, "Invalid data format", n);
                    return;
                }
                if (!e.has("event")) {
                    invalid(ex, 12, "Event field is required", n);
                    return;
                }
                if (e.get("event").isNull() || e.get("event").isTextual() && e.get("event").asText().isBlank()) {
                    invalid(ex, 13, "Event field cannot be blank", n);
                    return;
                }
                if (e.has("fields") && !indexedFieldsOk(e.get("fields"))) {
                    invalid(ex, 15, "Error in handling indexed fields", n);
                    return;
                }
                if (e.has("index") && allowedIndex != null && !allowedIndex.equals(e.get("index").asText())) {
                    invalid(ex, 7, "Incorrect index", n);
                    return;
                }
                if (e.has("time") && !e.get("time").isNumber()) {
                    invalid(ex, 6, "Invalid data format", n);
                    return;
                }
                indexed.add(e);
            }
        } catch (IOException bad) {
            invalid(ex, 6, "Invalid data format", n);
            return;
        }
        if (!ackEnabled) {
            answer(ex, 200, 0, "Success", null);
            return;
        }
        long id;
        synchronized (this) {
            id = nextAckId.merge(channel, 1L, Long::sum) - 1;
            pending.computeIfAbsent(channel, c -> new HashMap<>()).put(id, 0);
        }
        byte[] reply = JSON.writeValueAsBytes(Map.of("text", "Success", "code", 0, "ackId", id));
        send(ex, 200, reply, null);
    }

    private void ack(HttpExchange ex, String channel, String body) throws IOException {
        if (!ackEnabled) {
            answer(ex, 400, 14, "ACK is disabled", null);
            return;
        }
        if (channel == null || !isGuid(channel)) {
            answer(ex, 400, channel == null ? 10 : 11, channel == null ? "Data channel is missing"
                    : "Invalid data channel", null);
            return;
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            answer(ex, 400, 6, "Invalid data format", null);
            return;
        }
        if (req == null || !req.path("acks").isArray()) {
            answer(ex, 400, 6, "Invalid data format", null);
            return;
        }
        Map<String, Boolean> out = new HashMap<>();
        synchronized (this) {
            Map<Long, Integer> p = pending.computeIfAbsent(channel, c -> new HashMap<>());
            Map<Long, Boolean> done = acked.computeIfAbsent(channel, c -> new HashMap<>());
            for (JsonNode idNode : req.get("acks")) {
                long id = idNode.asLong();
                Integer polls = p.get(id);
                if (done.containsKey(id)) {
                    out.put(Long.toString(id), true);
                } else if (polls == null) {
                    out.put(Long.toString(id), false); // unknown (forgotten by a restart): never true
                } else if (polls >= acksFalseFor) {
                    p.remove(id);
                    done.put(id, true);
                    out.put(Long.toString(id), true);
                } else {
                    p.put(id, polls + 1);
                    out.put(Long.toString(id), false);
                }
            }
        }
        send(ex, 200, JSON.writeValueAsBytes(Map.of("acks", out)), null);
    }

    private static boolean isGuid(String s) {
        try {
            return UUID.fromString(s).toString().equalsIgnoreCase(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean indexedFieldsOk(JsonNode fields) {
        if (!fields.isObject()) {
            return false;
        }
        for (JsonNode v : fields) {
            if (v.isArray()) {
                for (JsonNode item : v) {
                    if (!item.isTextual()) {
                        return false;
                    }
                }
            } else if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void invalid(HttpExchange ex, int code, String text, int eventNumber) throws IOException {
        send(ex, 400, JSON.writeValueAsBytes(Map.of("text", text, "code", code, "invalid-event-number",
                eventNumber)), null);
    }

    private static void answer(HttpExchange ex, int status, int code, String text, String retryAfter)
            throws IOException {
        send(ex, status, JSON.writeValueAsBytes(Map.of("text", text, "code", code)), retryAfter);
    }

    private static void send(HttpExchange ex, int status, byte[] reply, String retryAfter) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, reply.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(reply);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
