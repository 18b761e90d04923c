package dev.gapless.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/** A webhook on 127.0.0.1 (port chosen by the OS) that answers 200 and keeps every JSON body POSTed to it. */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> bodies = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            JsonNode n = JSON.readTree(body);
            synchronized (bodies) {
                bodies.add(n);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    public static WebhookReceiver start() throws IOException {
        return new WebhookReceiver();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Every body received so far, in order. */
    public List<JsonNode> received() {
        synchronized (bodies) {
            return new ArrayList<>(bodies);
        }
    }

    public Optional<JsonNode> first(Predicate<JsonNode> p) {
        return received().stream().filter(p).findFirst();
    }

    /** Waits for a body that matches; fails naming {@code what} and listing what did arrive. */
    public JsonNode await(String what, Duration timeout, Predicate<JsonNode> p) {
        try {
            Await.until("webhook " + what, timeout, () -> first(p).isPresent());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; webhook received " + received(), e);
        }
        return first(p).orElseThrow();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
