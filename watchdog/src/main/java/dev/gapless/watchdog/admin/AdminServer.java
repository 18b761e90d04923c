package dev.gapless.watchdog.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.HostPort;
import dev.gapless.watchdog.WatchdogMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The watchdog's own admin listener: {@code GET /health} (JSON) and {@code GET /metrics/prometheus}.
 * The JDK's HttpServer on one thread: enough for a scraper and an operator, and nothing the agent's
 * troubles can reach.
 */
public final class AdminServer implements AutoCloseable {

    /** Pending connections beyond this are refused by the OS. */
    static final int BACKLOG = 16;

    private final HttpServer server;
    private final ExecutorService executor;

    public AdminServer(HostPort listen, Supplier<String> healthJson, WatchdogMetrics metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), BACKLOG);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gapless-watchdog-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", ex -> answer(ex, "application/json",
                (healthJson.get() + "\n").getBytes(StandardCharsets.UTF_8)));
        server.createContext("/metrics/prometheus", ex -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            metrics.writePrometheus(buf);
            answer(ex, metrics.contentType(), buf.toByteArray());
        });
        server.start();
    }

    /** The address actually bound (the port the OS chose when configured with port 0). */
    public HostPort address() {
        InetSocketAddress a = server.getAddress();
        return new HostPort(a.getAddress().getHostAddress(), a.getPort());
    }

    private static void answer(HttpExchange ex, String contentType, byte[] body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
