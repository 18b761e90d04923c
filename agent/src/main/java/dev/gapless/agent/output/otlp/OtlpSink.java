package dev.gapless.agent.output.otlp;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.http.HttpPool;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * POSTs each batch as one OTLP/HTTP {@code ExportLogsServiceRequest} ({@link OtlpExchange}) over kept-alive
 * connections ({@link HttpPool}: HTTP/1.1, or HTTPS), up to {@code batch.max_in_flight} batches at once, each on its
 * own connection and bounded by {@code timeout}; the answer is classified by {@link OtlpExchange#answer}.
 */
final class OtlpSink implements Sink {

    /** Answers larger than this are refused by the aggregator, failing the attempt (retryable). */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final OtlpOutputConfig config;
    private final OtlpExchange exchange;
    private final String pathAndQuery;
    private final HttpPool pool;

    /** @throws IOException when the TLS files cannot be read */
    OtlpSink(OtlpOutputConfig config, EventLoopGroup group) throws IOException {
        this.config = config;
        this.exchange = new OtlpExchange(config.id(), config.compression());
        URI url = config.url();
        String p = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.pathAndQuery = url.getRawQuery() == null ? p : p + "?" + url.getRawQuery();
        this.pool = new HttpPool(url, config.tls(), config.timeout(), MAX_RESPONSE_BYTES,
                config.batch().maxInFlight(), group, "output " + config.id());
    }

    /** As many as the output's {@code batch.max_in_flight}: one connection per batch in flight. */
    @Override
    public int maxInFlight() {
        return pool.size();
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        OtlpExchange.Body body;
        try {
            body = exchange.body(batch);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected(e.getMessage()));
        }
        if (body == null) {
            return CompletableFuture.completedFuture(Outcome.DELIVERED); // nothing for the receiver (heartbeats)
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        if (body.contentEncoding() != null) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, body.contentEncoding());
        }
        headers.set("X-Gapless-Seq-Range", batch.firstSeq() + "-" + batch.lastSeq());
        config.headers().forEach(headers::set);
        return pool.exchange(new HttpPool.Request(HttpMethod.POST, pathAndQuery, headers, body.bytes(), 0,
                body.length(), config.timeout())).thenApply(r -> r.failure() != null ? r.failure()
                        : exchange.answer(r.answer().status(), r.answer().headers().get(HttpHeaderNames.RETRY_AFTER),
                                r.answer().body()));
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
