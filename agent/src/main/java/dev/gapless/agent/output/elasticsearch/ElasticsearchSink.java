package dev.gapless.agent.output.elasticsearch;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.http.HttpPool;
import dev.gapless.agent.output.http.HttpSink;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Writes each batch to Elasticsearch or OpenSearch as one {@code _bulk} request of {@code create} actions
 * ({@link BulkRequest}), over kept-alive connections ({@link HttpPool}), up to {@code batch.max_in_flight} batches at
 * once, each on its own connection (a batch's requests, one after the other, on whichever is free). What the answer
 * decides:
 * <ul>
 *   <li>every item stored (201) or already stored by an earlier try (409): delivered;</li>
 *   <li>some items refused for good (a mapping conflict, a malformed document): rejected, so the worker splits the
 *       batch until it has the refused events alone, dead-letters and declares them (the halves sent again meet
 *       409s for what is stored, so this loses and duplicates nothing);</li>
 *   <li>some items to retry (429, 5xx): those items alone are sent again, up to {@link #ITEM_ROUNDS} requests in
 *       all, within the send's timeout; still refused after that, the batch is retryable;</li>
 *   <li>the whole request refused: the one HTTP rule of {@link HttpSink#classify} (401, 403, 404, 408, 429, 5xx
 *       retried with {@code Retry-After}; 413 and other 4xx rejected, and so split down to the event at fault);</li>
 *   <li>no answer, a lost connection, an unreadable answer: retryable.</li>
 * </ul>
 * A send is bounded by {@code timeout}: every request of it gets the time left (a connect is bounded on its own, by
 * {@link ElasticsearchOutputConfig#connectTimeout()}), so the stage always completes. The first request is built
 * on the worker thread, resends of items on the connection's event loop.
 */
public final class ElasticsearchSink implements Sink {

    /** Requests one send makes at most: the batch, then the items the cluster asked to retry, twice. */
    static final int ITEM_ROUNDS = 3;
    /** The pause before the first resend of items; doubled before the next (bounded by the time left). */
    static final Duration ITEM_RETRY_DELAY = Duration.ofMillis(200);
    /** Bulk answers larger than this fail the attempt (retryable); filtered answers are ~30 bytes an item. */
    static final int MAX_RESPONSE_BYTES = 32 << 20;
    /** Keeps the answer to statuses and errors: what the sink reads, a fraction of the full answer. */
    private static final String BULK_QUERY =
            "?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";

    private final ElasticsearchOutputConfig config;
    private final UUID agentId;
    private final Clock clock;
    private final EventLoopGroup group;
    private final HttpPool pool;
    private final String bulkPath;
    private final Optional<String> authorization;

    /** @throws IOException when a TLS or credentials file cannot be read */
    public ElasticsearchSink(ElasticsearchOutputConfig config, EventLoopGroup group, UUID agentId, Clock clock)
            throws IOException {
        this.config = config;
        this.agentId = agentId;
        this.clock = clock;
        this.group = group;
        this.authorization = Credentials.authorization(config.auth());
        URI bulk = config.endpoint("_bulk");
        this.bulkPath = bulk.getRawPath() + BULK_QUERY;
        this.pool = new HttpPool(config.url(), config.tls(), config.connectTimeout(), MAX_RESPONSE_BYTES,
                config.batch().maxInFlight(), group, "output " + config.id());
    }

    /**
     * As many as the output's {@code batch.max_in_flight}: {@code create} actions with ids derived from the events
     * make the order of the bulk requests irrelevant, and a retried one meets 409s for what is stored.
     */
    @Override
    public int maxInFlight() {
        return pool.size();
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        if (batch.frames().count() == 0) {
            result.complete(Outcome.DELIVERED);
            return result;
        }
        long deadline = System.nanoTime() + config.timeout().toNanos();
        round(batch, BulkRequest.all(batch), 1, deadline, result);
        return result;
    }

    /** One request of the send: the frames {@code chosen}, the {@code n}th request. */
    private void round(EncodedBatch batch, int[] chosen, int n, long deadline, CompletableFuture<Outcome> result) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "no answer from " + config.url()
                    + " within " + config.timeout().toMillis() + " ms", null));
            return;
        }
        BulkRequest bulk;
        try {
            bulk = BulkRequest.of(batch, chosen, agentId, config.index(), clock.instant(), gzip());
        } catch (RuntimeException e) {
            result.completeExceptionally(e); // the agent's own bug: the worker retries it as INTERNAL
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
        if (gzip()) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        authorization.ifPresent(a -> headers.set(HttpHeaderNames.AUTHORIZATION, a));
        pool.exchange(new HttpPool.Request(HttpMethod.POST, bulkPath, headers, bulk.body(), 0,
                bulk.body().length, Duration.ofNanos(left))).whenComplete((r, thrown) -> {
                    if (thrown != null) {
                        result.completeExceptionally(thrown);
                    } else if (r.failure() != null) {
                        result.complete(r.failure());
                    } else {
                        answered(batch, bulk, r.answer(), n, deadline, result);
                    }
                });
    }

    private void answered(EncodedBatch batch, BulkRequest bulk, HttpPool.Answer answer, int n, long deadline,
            CompletableFuture<Outcome> result) {
        if (answer.status() < 200 || answer.status() >= 300) {
            result.complete(HttpSink.classify(answer.status(), answer.headers().get(HttpHeaderNames.RETRY_AFTER),
                    excerpt(answer.body())));
            return;
        }
        BulkResponse items;
        try {
            items = BulkResponse.parse(answer.body(), bulk.items());
        } catch (IOException e) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.REFUSED, "unreadable bulk answer from "
                    + config.url() + ": " + e.getMessage(), null));
            return;
        }
        if (!items.refused.isEmpty()) {
            // The worker splits the batch down to the refused events; what is stored answers 409 when sent again.
            result.complete(new Outcome.Rejected(items.refusedReason + (items.refused.size() > 1
                    ? " (and " + (items.refused.size() - 1) + " more of " + bulk.items() + ")" : "")));
            return;
        }
        if (items.retry.isEmpty()) {
            result.complete(Outcome.DELIVERED);
            return;
        }
        String why = items.retry.size() + " of " + bulk.items() + " items not stored (" + items.retryReason + ")";
        long delayNanos = ITEM_RETRY_DELAY.toNanos() << (n - 1);
        if (n >= ITEM_ROUNDS || deadline - System.nanoTime() <= delayNanos) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.REFUSED, why, null));
            return;
        }
        int[] again = frames(bulk, items.retry);
        group.schedule(() -> round(batch, again, n + 1, deadline, result), delayNanos, TimeUnit.NANOSECONDS);
    }

    private static int[] frames(BulkRequest bulk, List<Integer> items) {
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bulk.frame(items.get(i));
        }
        return out;
    }

    private boolean gzip() {
        return config.compression() == ElasticsearchOutputConfig.Compression.GZIP;
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8).strip();
        return body.length > 400 ? s + "…" : s;
    }

    @Override
    public String destination() {
        return config.url().toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
