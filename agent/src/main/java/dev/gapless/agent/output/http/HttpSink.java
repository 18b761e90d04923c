package dev.gapless.agent.output.http;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.http.HttpOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * POSTs each batch as NDJSON over kept-alive connections ({@link HttpPool}: HTTP/1.1, or HTTPS), up to
 * {@code batch.max_in_flight} batches at once, each on its own connection (the worker still moves the cursor in seq
 * order, whatever order the answers come in). The answer decides: 2xx delivered; 408, 429 and 5xx retryable
 * (honouring {@code Retry-After} in seconds); any other status rejected for good. No full answer within
 * {@code timeout} of the send is a retryable timeout and the connection is dropped. Response bodies are read up
 * to {@link #MAX_RESPONSE_BYTES}; a longer one fails the attempt.
 */
public final class HttpSink implements Sink {

    /** Responses larger than this are refused by the aggregator, failing the attempt (retryable). */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final HttpOutputConfig config;
    private final URI url;
    private final String pathAndQuery;
    private final HttpPool pool;

    /** @throws IOException when the TLS files cannot be read */
    public HttpSink(HttpOutputConfig config, EventLoopGroup group) throws IOException {
        this.config = config;
        this.url = config.url();
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
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        headers.set("X-Gapless-Seq-Range", batch.firstSeq() + "-" + batch.lastSeq());
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        return pool.exchange(new HttpPool.Request(HttpMethod.POST, pathAndQuery, headers, batch.bytes(), 0,
                batch.length(), config.timeout())).thenApply(r -> {
                    if (r.failure() != null) {
                        return r.failure();
                    }
                    String body = new String(r.answer().body(), StandardCharsets.UTF_8);
                    if (body.length() > 200) {
                        body = body.substring(0, 200) + "…";
                    }
                    return classify(r.answer().status(), r.answer().headers().get(HttpHeaderNames.RETRY_AFTER),
                            body.strip());
                });
    }

    /** Whether an answer timeout runs on a kept-alive connection now (tests: none between batches). */
    boolean answerTimeoutArmed() throws Exception {
        return pool.answerTimeoutArmed();
    }

    /** The pool (tests: how many connections are open). */
    HttpPool pool() {
        return pool;
    }

    /** Classifies an HTTP answer by {@link #isRetryable}: 2xx delivered, else retryable or rejected. */
    public static Outcome classify(int status, String retryAfter, String body) {
        if (status >= 200 && status < 300) {
            return Outcome.DELIVERED;
        }
        String what = "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
        if (isRetryable(status)) {
            return new Outcome.Retryable(Outcome.ErrorKind.REFUSED, what, parseRetryAfter(retryAfter));
        }
        return new Outcome.Rejected(what);
    }

    /**
     * The one rule of what an HTTP status retries, for every output that speaks HTTP. Auth and routing failures (401,
     * 403, 404, 407) say the destination or our config is wrong, not the events: retry (the watchdog alerts) rather
     * than dead-letter every event until someone notices. 1xx and 3xx (a redirect we do not follow) are a
     * configuration error too, never the events' fault. 408, 429 and 5xx are the destination's trouble.
     */
    public static boolean isRetryable(int status) {
        return status < 200 || (status >= 300 && status < 400)
                || status == 401 || status == 403 || status == 404 || status == 407 || status == 408 || status == 429
                || status >= 500;
    }

    /** {@code Retry-After} in seconds; null when absent or an HTTP date (then the backoff applies). */
    public static Duration parseRetryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: ignored, the backoff applies
        }
    }

    @Override
    public String destination() {
        return url.toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
