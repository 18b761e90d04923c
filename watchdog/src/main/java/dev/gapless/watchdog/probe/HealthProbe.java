package dev.gapless.watchdog.probe;

import dev.gapless.config.HostPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /health} on the agent's admin listener, answered within health_timeout or counted as failed.
 * The whole exchange (connect, headers, body) is bounded by that one timeout, so a half-answering agent
 * cannot hold the probe loop.
 */
public final class HealthProbe {

    /** A /health body is a few KiB; a bigger one is refused rather than buffered. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public HealthProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public HealthResult probe(HostPort admin) {
        long start = System.nanoTime();
        String host = admin.host().contains(":") ? "[" + admin.host() + "]" : admin.host();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + admin.port() + "/health"))
                .timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> resp = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long ms = elapsedMs(start);
            if (resp.statusCode() != 200) {
                return HealthResult.failed("/health answered HTTP " + resp.statusCode(), ms);
            }
            if (resp.body().length > MAX_BODY_BYTES) {
                return HealthResult.failed("/health body larger than " + MAX_BODY_BYTES + " bytes", ms);
            }
            return HealthResult.answered(HealthParser.parse(resp.body()), ms);
        } catch (TimeoutException e) {
            f.cancel(true);
            return HealthResult.timedOut("no answer from " + admin + "/health within " + timeout.toMillis() + "ms",
                    elapsedMs(start));
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpTimeoutException) {
                return HealthResult.timedOut("no answer from " + admin + "/health within " + timeout.toMillis() + "ms",
                        elapsedMs(start));
            }
            return HealthResult.failed(admin + "/health: " + describe(c), elapsedMs(start));
        } catch (IOException e) {
            return HealthResult.failed(admin + "/health: " + describe(e), elapsedMs(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return HealthResult.failed("interrupted", elapsedMs(start));
        }
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
