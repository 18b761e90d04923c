package dev.gapless.agent.output.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/**
 * An in-process server speaking the {@code _bulk} API as Elasticsearch and OpenSearch document it: an HTTP 200
 * answer with {@code errors} and one item per action, in order; {@code create} of a new {@code _id} stores it (201),
 * of a stored one answers 409 {@code version_conflict_engine_exception}. A test scripts the rest: an item's status
 * by its {@code _id} and try ({@link #itemAnswer}: 400 {@code mapper_parsing_exception}, 429
 * {@code es_rejected_execution_exception}, 503), and whole-request answers ({@link #wholeAnswers}: 429 with
 * {@code Retry-After}, 413, a slow answer). A request that is not a valid bulk body (content type, action and source
 * line pairs, {@code create} with {@code _index} and {@code _id}, the final newline) answers 400 and is recorded in
 * {@link #protocolErrors}, which every test checks is empty. Binds 127.0.0.1 on a port from the OS.
 */
final class BulkTestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One whole-request answer: a status with a Retry-After, or a delay before the normal answer. */
    record Whole(int status, String retryAfter, long delayMs) {
        static Whole status(int status, String retryAfter) {
            return new Whole(status, retryAfter, 0);
        }

        static Whole slow(long delayMs) {
            return new Whole(0, null, delayMs);
        }
    }

    /** An item refused: its status and error type. */
    record ItemError(int status, String type) {
    }

    /** A request as received: its headers' values that matter and its items' ids. */
    record Seen(String contentType, String contentEncoding, String authorization, String path, List<String> ids) {
    }

    final Map<String, JsonNode> stored = new ConcurrentHashMap<>(); // "index/_id" -> document
    final Map<String, Integer> tries = new ConcurrentHashMap<>(); // _id -> creates seen
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    final List<String> protocolErrors = new CopyOnWriteArrayList<>();
    final Deque<Whole> wholeAnswers = new ConcurrentLinkedDeque<>();
    /** (_id, try from 1) -> an error for that item, or null for the normal answer. */
    volatile ItemFunction itemAnswer = (id, attempt, doc) -> null;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @FunctionalInterface
    interface ItemFunction {
        ItemError apply(String id, int attempt, JsonNode doc);
    }

    BulkTestServer() throws IOException {
        this(null);
    }

    /** @param tls the server's TLS context, or null for plain http */
    BulkTestServer(SSLContext tls) throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(any, 0);
        } else {
            HttpsServer https = HttpsServer.create(any, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Documents stored under this id, any index. */
    List<JsonNode> byId(String id) {
        List<JsonNode> out = new ArrayList<>();
        stored.forEach((k, v) -> {
            if (k.endsWith("/" + id)) {
                out.add(v);
            }
        });
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("POST") || !path.endsWith("/_bulk")) {
                answer(ex, 404, "{\"error\":\"no handler\"}", null);
                return;
            }
            Whole whole = wholeAnswers.poll();
            if (whole != null && whole.delayMs() > 0) {
                sleep(whole.delayMs());
            } else if (whole != null) {
                answer(ex, whole.status(), "{\"error\":{\"type\":\"whole\"},\"status\":" + whole.status() + "}",
                        whole.retryAfter());
                return;
            }
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            byte[] body = raw;
            if ("gzip".equals(encoding)) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    body = in.readAllBytes();
                }
            }
            Function<String, Void> bad = why -> {
                protocolErrors.add(why);
                return null;
            };
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (!"application/x-ndjson".equals(type)) {
                bad.apply("content type " + type);
            }
            String text = new String(body, StandardCharsets.UTF_8);
            if (!text.endsWith("\n")) {
                bad.apply("the bulk body does not end with a newline");
            }
            String[] lines = text.split("\n", -1);
            int n = lines.length - 1; // the last is the empty string after the final newline
            if (n % 2 != 0) {
                bad.apply("odd number of lines: " + n);
            }
            ObjectNode res = JSON.createObjectNode();
            ArrayNode items = res.putArray("items");
            boolean errors = false;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i + 1 < n; i += 2) {
                JsonNode action;
                JsonNode doc;
                try {
                    action = JSON.readTree(lines[i]);
                    doc = JSON.readTree(lines[i + 1]);
                } catch (IOException e) {
                    bad.apply("line " + i + " is not JSON: " + e.getMessage());
                    break;
                }
                JsonNode create = action.path("create");
                if (action.size() != 1 || !create.path("_index").isTextual() || !create.path("_id").isTextual()) {
                    bad.apply("not a create with _index and _id: " + lines[i]);
                    break;
                }
                String id = create.path("_id").asText();
                String index = create.path("_index").asText();
                ids.add(id);
                int attempt = tries.merge(id, 1, Integer::sum);
                ObjectNode r = items.addObject().putObject("create");
                r.put("_index", index).put("_id", id);
                ItemError err = itemAnswer.apply(id, attempt, doc);
                if (err == null && stored.putIfAbsent(index + "/" + id, doc) != null) {
                    err = new ItemError(409, "version_conflict_engine_exception");
                }
                if (err == null) {
                    r.put("result", "created").put("status", 201);
                } else {
                    errors = true;
                    r.put("status", err.status());
                    r.putObject("error").put("type", err.type()).put("reason", "[" + id + "]: " + err.type());
                }
            }
            requests.add(new Seen(type, encoding, ex.getRequestHeaders().getFirst("Authorization"), path, ids));
            if (!protocolErrors.isEmpty()) {
                answer(ex, 400, "{\"error\":{\"type\":\"illegal_argument_exception\"},\"status\":400}", null);
                return;
            }
            res.put("took", 1).put("errors", errors);
            answer(ex, 200, JSON.writeValueAsString(res), null);
        }
    }

    private static void answer(HttpExchange ex, int status, String body, String retryAfter) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms); // the slow answer under test: a server that takes this long
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
