package dev.gapless.agent.output.loki;

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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A Loki push endpoint as Loki documents it, in process on 127.0.0.1: {@code POST /loki/api/v1/push} with a JSON
 * body {@code {"streams":[{"stream":{labels},"values":[["<ns>","<line>",{metadata}?]]}]}} checked strictly (a body
 * off the schema is a 400, as Loki's decoder answers), {@code GET /ready}. Per entry it does what Loki's distributor
 * and ingester do: an entry whose line is over {@link #maxLineBytes} is refused, an entry older than its stream's
 * newest by more than the out-of-order window is refused, an entry with the stream, timestamp and line of one it
 * has is dropped silently (kept once); a push with refused entries stores the others and answers 400 naming the
 * refused ones. Answers 204 otherwise. Tests script extra answers (429 with Retry-After, 5xx, a slow answer) and
 * limits (body size → 413, a required tenant or credentials → 401).
 */
final class FakeLoki implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One stored entry. */
    record Entry(long nanos, String line, Map<String, String> metadata) {
    }

    /** One request as it arrived. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** A scripted answer, used once before the push is looked at. */
    record Scripted(int status, String retryAfter, long delayMillis) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Streams by their labels, each entry once. */
    final Map<Map<String, String>, List<Entry>> streams = new LinkedHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Scripted> script = new ConcurrentLinkedQueue<>();
    volatile int maxLineBytes = 256 * 1024;
    volatile long outOfOrderWindowNanos = 0;
    volatile int maxBodyBytes = 4 << 20;
    volatile String requiredTenant;
    volatile String requiredAuthorization;

    FakeLoki() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        streams.values().forEach(all::addAll);
        return all;
    }

    synchronized List<Entry> stream(Map<String, String> labels) {
        return List.copyOf(streams.getOrDefault(new TreeMap<>(labels), List.of()));
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        String body = new String(raw, StandardCharsets.UTF_8);
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                Map.copyOf(ex.getRequestHeaders()), body));
        String path = ex.getRequestURI().getPath();
        if (path.equals("/ready") && ex.getRequestMethod().equals("GET")) {
            answer(ex, 200, "ready", null);
            return;
        }
        if (!path.equals("/loki/api/v1/push") || !ex.getRequestMethod().equals("POST")) {
            answer(ex, 404, "404 page not found", null);
            return;
        }
        Scripted s = script.poll();
        if (s != null) {
            if (s.delayMillis > 0) {
                try {
                    Thread.sleep(s.delayMillis); // the slow server under test: the client's timeout ends it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(ex, s.status, s.status == 429 ? "Ingestion rate limit exceeded" : "scripted " + s.status,
                    s.retryAfter);
            return;
        }
        if (requiredAuthorization != null && !requiredAuthorization.equals(
                ex.getRequestHeaders().getFirst("Authorization"))) {
            answer(ex, 401, "unauthorized", null);
            return;
        }
        if (requiredTenant != null && !requiredTenant.equals(ex.getRequestHeaders().getFirst("X-Scope-OrgID"))) {
            answer(ex, 401, "no org id", null);
            return;
        }
        if (raw.length > maxBodyBytes) {
            answer(ex, 413, "request body too large", null);
            return;
        }
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct == null || !ct.startsWith("application/json")) {
            answer(ex, 415, "unsupported content type " + ct, null); // this fake speaks only JSON
            return;
        }
        List<String> refused;
        try {
            refused = push(JSON.readTree(raw));
        } catch (IOException | IllegalArgumentException e) {
            answer(ex, 400, "loghttp: " + e.getMessage(), null);
            return;
        }
        if (refused.isEmpty()) {
            answer(ex, 204, "", null);
        } else {
            answer(ex, 400, String.join("\n", refused), null);
        }
    }

    /** Checks the whole push against the schema first (Loki decodes before it validates), then stores. */
    private synchronized List<String> push(JsonNode push) {
        require(push != null && push.isObject() && push.size() == 1 && push.path("streams").isArray(),
                "expected {\"streams\":[…]}");
        for (JsonNode s : push.get("streams")) {
            require(s.isObject() && s.path("stream").isObject() && s.path("values").isArray(),
                    "a stream is {\"stream\":{…},\"values\":[…]}");
            require(s.get("stream").size() > 0, "error at least one label pair is required per stream");
            s.get("stream").fields().forEachRemaining(l -> {
                require(LABEL_NAME.matcher(l.getKey()).matches(), "invalid label name " + l.getKey());
                require(l.getValue().isTextual() && !l.getValue().asText().isEmpty(),
                        "label " + l.getKey() + " must be a non-empty string");
            });
            for (JsonNode v : s.get("values")) {
                require(v.isArray() && (v.size() == 2 || v.size() == 3), "an entry is [\"<ns>\",\"<line>\",{…}?]");
                require(v.get(0).isTextual() && v.get(0).asText().matches("[0-9]{1,19}"),
                        "timestamp must be a string of nanoseconds, got " + v.get(0));
                require(v.get(1).isTextual(), "line must be a string");
                if (v.size() == 3) {
                    require(v.get(2).isObject(), "structured metadata must be an object");
                    v.get(2).fields().forEachRemaining(m -> require(m.getValue().isTextual(),
                            "structured metadata values must be strings"));
                }
            }
        }
        List<String> refused = new ArrayList<>();
        for (JsonNode s : push.get("streams")) {
            Map<String, String> labels = new TreeMap<>();
            s.get("stream").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
            List<Entry> stored = streams.computeIfAbsent(labels, k -> new ArrayList<>());
            for (JsonNode v : s.get("values")) {
                long ts = Long.parseLong(v.get(0).asText());
                String line = v.get(1).asText();
                Map<String, String> meta = new TreeMap<>();
                if (v.size() == 3) {
                    v.get(2).fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                }
                long newest = stored.stream().mapToLong(Entry::nanos).max().orElse(Long.MIN_VALUE);
                if (line.getBytes(StandardCharsets.UTF_8).length > maxLineBytes) {
                    refused.add("stream '" + labels + "' has an entry with a line too long");
                } else if (stored.stream().anyMatch(e -> e.nanos == ts && e.line.equals(line))) {
                    continue; // a duplicate: kept once
                } else if (newest != Long.MIN_VALUE && ts < newest - outOfOrderWindowNanos) {
                    refused.add("entry for stream '" + labels + "' has timestamp too old: " + ts);
                } else {
                    stored.add(new Entry(ts, line, meta));
                }
            }
        }
        for (Iterator<List<Entry>> i = streams.values().iterator(); i.hasNext();) {
            if (i.next().isEmpty()) {
                i.remove();
            }
        }
        return refused;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    private static void answer(HttpExchange ex, int status, String text, String retryAfter) throws IOException {
        byte[] reply = text.getBytes(StandardCharsets.UTF_8);
        if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, status == 204 || reply.length == 0 ? -1 : reply.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(status == 204 ? new byte[0] : reply);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
