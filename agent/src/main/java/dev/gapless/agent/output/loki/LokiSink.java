package dev.gapless.agent.output.loki;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.http.HttpClient;
import dev.gapless.agent.output.http.HttpSink;
import dev.gapless.config.output.loki.LokiOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pushes each batch to Loki's {@code /loki/api/v1/push} as JSON ({@link LokiStreams}) over one kept-alive
 * connection. The answer decides by the HTTP outputs' one rule ({@link HttpSink#classify}): 2xx (Loki's 204)
 * delivered; 400 and 413 rejected — Loki refuses a push that holds any entry it cannot take (too old, too long, bad
 * labels), so the worker splits the batch until the refused record is alone and dead-letters it, the entries sent
 * again meanwhile kept once by Loki; 401, 403, 404, 429 (its rate limits) and 5xx retried, honouring
 * {@code Retry-After}. A record that is not an envelope rejects the batch without a request.
 *
 * <p>One batch at a time, whatever {@code batch.max_in_flight} says ({@link #maxInFlight()}): batches sent at once
 * may arrive in any order, and a Loki that takes a stream's entries in order only (before 2.4, or with
 * {@code unordered_writes: false}) refuses the older entries arriving after newer ones with 400 "entry out of
 * order" — which rejects, so the worker would dead-letter events that are not at fault. Even with unordered writes,
 * Loki refuses entries older than its window behind the newest of the stream, which concurrent pushes can reach
 * after an outage. So the one kept-alive connection carries the batches in seq order.
 */
public final class LokiSink implements Sink {

    private final URI push;
    private final HttpClient client;
    private final LokiStreams streams;
    private final Map<String, String> headers;

    /** @throws IOException when a credential or TLS file cannot be read */
    public LokiSink(LokiOutputConfig config, EventLoopGroup group) throws IOException {
        this.push = config.resolve(LokiOutputConfig.PUSH_PATH);
        this.client = new HttpClient(config.url(), config.tls(), config.timeout(), 1, "output " + config.id(), group);
        this.streams = new LokiStreams(config);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        config.tenantId().ifPresent(t -> h.put("X-Scope-OrgID", t));
        if (config.basicAuth().isPresent()) {
            LokiOutputConfig.BasicAuth b = config.basicAuth().get();
            String user = b.username() + ":" + HttpClient.credential(b.passwordFile(), "basic_auth.password_file");
            h.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    user.getBytes(StandardCharsets.UTF_8)));
        }
        if (config.bearerTokenFile().isPresent()) {
            h.put("Authorization", "Bearer "
                    + HttpClient.credential(config.bearerTokenFile().get(), "bearer_token_file"));
        }
        this.headers = Map.copyOf(h);
    }

    /** One: a stream's entries must reach Loki in order (see the class comment). */
    @Override
    public int maxInFlight() {
        return 1;
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        byte[] body;
        try {
            body = streams.body(batch);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected(e.getMessage()));
        }
        return client.exchange(HttpMethod.POST, push.getRawPath(), headers, body, body.length).thenApply(a -> {
            if (a instanceof HttpClient.Response r) {
                return HttpSink.classify(r.status(), r.retryAfter(), r.shortBody());
            }
            return ((HttpClient.Failure) a).why();
        });
    }

    @Override
    public String destination() {
        return push.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
