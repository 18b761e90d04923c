package dev.gapless.watchdog.alert;

import com.codahale.metrics.Counter;
import dev.gapless.config.WebhookAlertConfig;
import dev.gapless.watchdog.incident.Incident;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each incident as JSON to a webhook. {@link #send} only enqueues: one sender thread delivers,
 * retrying up to max_attempts with a doubling backoff, so a slow or dead webhook never delays a probe.
 * 2xx = delivered; anything else or no answer within the timeout = a failed attempt.
 */
public final class WebhookAlertSink implements AlertSink {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
    /**
     * Alerts waiting for the sender. When full, the oldest waiting alert is dropped (and counted in
     * gapless_watchdog_alerts_dropped): the newest says most about the agent's state now, and every
     * incident is in the incident journal and the log anyway.
     */
    public static final int QUEUE_CAPACITY = 256;
    /** The wait between attempts starts here and doubles, capped at {@link #MAX_BACKOFF}. */
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** At close, waiting alerts get this long to go out; the rest are dropped (they are in the journal). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final WebhookAlertConfig config;
    private final HttpClient client;
    private final Duration initialBackoff;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;
    private final Thread sender;
    /** Guarded by itself; shared by the probe loop (producer) and the sender thread. */
    private final Deque<Incident> queue = new ArrayDeque<>();
    private volatile boolean closing;

    public WebhookAlertSink(WebhookAlertConfig config, Counter delivered, Counter failed, Counter dropped) {
        this(config, INITIAL_BACKOFF, delivered, failed, dropped);
    }

    WebhookAlertSink(WebhookAlertConfig config, Duration initialBackoff, Counter delivered, Counter failed,
                     Counter dropped) {
        this.config = config;
        this.initialBackoff = initialBackoff;
        this.delivered = delivered;
        this.failed = failed;
        this.dropped = dropped;
        this.client = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.sender = new Thread(this::runSender, "gapless-watchdog-webhook");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void send(Incident incident) {
        synchronized (queue) {
            if (queue.size() >= QUEUE_CAPACITY) {
                Incident old = queue.pollFirst();
                dropped.inc();
                LOG.warn("webhook alert queue full ({}): dropped the oldest alert {} {}", QUEUE_CAPACITY,
                        old.decision().cause().wireName(), old.time());
            }
            queue.addLast(incident);
            queue.notifyAll();
        }
    }

    private void runSender() {
        while (true) {
            Incident next;
            synchronized (queue) {
                while (queue.isEmpty() && !closing) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                next = queue.pollFirst();
            }
            if (!deliver(next)) {
                return; // interrupted: closing
            }
        }
    }

    /** @return false when interrupted */
    private boolean deliver(Incident incident) {
        byte[] body = incident.toJsonLine().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Duration backoff = initialBackoff;
        String lastError = null;
        int attempts = Math.max(1, config.maxAttempts());
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpRequest.Builder rb = HttpRequest.newBuilder(config.url()).timeout(config.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                config.headers().forEach(rb::header);
                HttpResponse<Void> r = client.send(rb.build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    delivered.inc();
                    return true;
                }
                lastError = "HTTP " + r.statusCode();
            } catch (java.io.IOException e) {
                lastError = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        // Bound: after max_attempts the alert is given up; it stays in the incident journal and the log.
        failed.inc();
        LOG.error("webhook {} did not take alert {} after {} attempts: {}", config.url(),
                incident.decision().cause().wireName(), attempts, lastError);
        return true;
    }

    @Override
    public void close() {
        closing = true;
        synchronized (queue) {
            queue.notifyAll();
        }
        try {
            sender.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt();
        }
    }
}
