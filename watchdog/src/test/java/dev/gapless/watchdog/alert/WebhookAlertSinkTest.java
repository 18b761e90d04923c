package dev.gapless.watchdog.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.WebhookAlertConfig;
import dev.gapless.watchdog.Await;
import dev.gapless.watchdog.incident.Incident;
import dev.gapless.watchdog.policy.Action;
import dev.gapless.watchdog.policy.Cause;
import dev.gapless.watchdog.policy.Decision;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookAlertSinkTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    HttpServer server;
    WebhookAlertSink sink;
    final Counter delivered = new Counter();
    final Counter failed = new Counter();
    final Counter dropped = new Counter();

    @AfterEach
    void tearDown() {
        release.countDown();
        if (sink != null) {
            sink.close();
        }
        server.stop(0);
    }

    /** Answers 503 to the first {@code failFirst} calls, then 204; hangs all calls when {@code hang}. */
    URI serve(int failFirst, boolean hang) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alert", ex -> {
            if (hang) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    return;
                }
            }
            int n = calls.incrementAndGet();
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            tokens.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Token")));
            ex.sendResponseHeaders(n <= failFirst ? 503 : 204, -1);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alert");
    }

    static Incident incident(Cause cause) {
        return new Incident(Instant.parse("2026-11-23T10:00:00Z"),
                new Decision(Action.ALERT, cause, "central", null, Map.of("backlog_events", 5), 0), "alerted", 42L,
                        null);
    }

    WebhookAlertSink sink(URI url, int attempts) {
        sink = new WebhookAlertSink(new WebhookAlertConfig(url, Duration.ofSeconds(2), attempts, Map.of("X-Token",
                "t")),
                Duration.ofMillis(10), delivered, failed, dropped);
        return sink;
    }

    @Test
    void postsTheIncidentAsJsonWithItsHeaders() throws Exception {
        sink(serve(0, false), 3).send(incident(Cause.DESTINATION_DOWN));
        Await.until(WAIT, "delivered", () -> delivered.getCount() == 1);
        var n = new ObjectMapper().readTree(bodies.get(0));
        assertThat(n.path("cause").asText()).isEqualTo("destination_down");
        assertThat(n.path("decision").asText()).isEqualTo("alert");
        assertThat(tokens).containsExactly("t");
    }

    @Test
    void retriesUntilTheWebhookTakesIt() throws Exception {
        sink(serve(2, false), 5).send(incident(Cause.DESTINATION_DOWN));
        Await.until(WAIT, "delivered", () -> delivered.getCount() == 1);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(failed.getCount()).isZero();
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        sink(serve(100, false), 3).send(incident(Cause.DESTINATION_DOWN));
        Await.until(WAIT, "given up", () -> failed.getCount() == 1);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(delivered.getCount()).isZero();
    }

    @Test
    void aFullQueueDropsTheOldestAndNeverBlocks() throws Exception {
        WebhookAlertSink s = sink(serve(0, true), 1);
        s.send(incident(Cause.INPUT_SILENT)); // taken by the sender, which hangs on it
        Await.until(WAIT, "the sender is busy", () -> server != null && calls.get() == 0 && dropped.getCount() == 0);
        long t0 = System.nanoTime();
        for (int i = 0; i < WebhookAlertSink.QUEUE_CAPACITY + 10; i++) {
            s.send(incident(Cause.DESTINATION_DOWN));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        // The first may or may not have left the queue when the flood began: 10 or 11 dropped.
        assertThat(dropped.getCount()).isBetween(10L, 11L);
    }
}
