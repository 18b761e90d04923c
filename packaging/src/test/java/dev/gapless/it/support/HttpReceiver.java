package dev.gapless.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination on 127.0.0.1 that takes NDJSON POSTs and keeps every line. It can answer a chosen status
 * instead of 200, and be taken down and brought back up on the same port.
 */
public final class HttpReceiver implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** Epoch ms of every accepted (200) POST to /ingest, in order; guarded by {@code lines}. */
    private final List<Long> acceptedAt = new ArrayList<>();
    private volatile int status = 200;
    /** How long each request waits before it is answered: a slow destination. */
    private volatile long answerAfterMs;
    private int port;
    private HttpServer server;
    private ExecutorService executor;

    /** Starts on a port the OS picks. */
    public static HttpReceiver start() throws IOException {
        HttpReceiver r = new HttpReceiver();
        r.up();
        return r;
    }

    /** Starts listening (again), on the port it had before if it had one. */
    public synchronized void up() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        port = server.getAddress().getPort();
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            long delay = answerAfterMs;
            if (delay > 0) {
                try {
                    Thread.sleep(delay); // the destination under test is slow: that is the point, not a wait
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int answer = status;
            if (answer == 200 && exchange.getRequestURI().getPath().equals("/ingest")) {
                String text = new String(body, StandardCharsets.UTF_8);
                synchronized (lines) {
                    for (String line : text.split("\n")) {
                        if (!line.isEmpty()) {
                            lines.add(line);
                        }
                    }
                    acceptedAt.add(System.currentTimeMillis());
                }
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** Answer this status to every request from now on (200 = accept and keep). */
    public void answer(int status) {
        this.status = status;
    }

    /** Answer every request from now on only after {@code delay} (a slow destination); zero = at once. */
    public void answerAfter(java.time.Duration delay) {
        this.answerAfterMs = delay.toMillis();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/ingest";
    }

    public int port() {
        return port;
    }

    public int requests() {
        return requests.get();
    }

    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** When the first batch at or after {@code epochMs} was accepted (epoch ms), or -1 if none yet. */
    public long firstAcceptedAtOrAfter(long epochMs) {
        synchronized (lines) {
            return acceptedAt.stream().filter(t -> t >= epochMs).findFirst().orElse(-1L);
        }
    }

    public int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    @Override
    public void close() {
        down();
    }
}
