package dev.gapless.agent.output.http;

import dev.gapless.agent.output.Outcome;
import dev.gapless.config.tls.ClientTls;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The client half of the sinks that speak an HTTP API with more than one request per send (a push, then
 * acknowledgement polls): an {@link HttpPool} (up to {@code connections} kept-alive connections, one request at a
 * time on each, the answer bounded by {@code timeout}, a request on a connection the server closed meanwhile sent once
 * more, answers past {@link #MAX_RESPONSE_BYTES} refused) with string headers and a text answer. Every exchange
 * completes, with an answer or a failure.
 *
 * <p>Each send of the output worker has one request outstanding at a time, so {@code connections} =
 * {@code batch.max_in_flight} lets every send in flight have its own connection.
 */
public final class HttpClient implements AutoCloseable {

    /** Larger answers are refused by the aggregator, failing the exchange (retryable). */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;

    /** What one exchange gave. */
    public sealed interface Answer {
    }

    /** The server answered; {@code body} is the whole answer as UTF-8. */
    public record Response(int status, String retryAfter, String body) implements Answer {

        /** The body cut to a length fit for a log line or /health. */
        public String shortBody() {
            String b = body.strip();
            return b.length() > 200 ? b.substring(0, 200) + "…" : b;
        }
    }

    /** No answer: connect failed, the connection broke, or the answer did not come in time. */
    public record Failure(Outcome.Retryable why) implements Answer {
    }

    private final HttpPool pool;
    private final Duration timeout;

    /**
     * @param url     the server (scheme, host, port); requests name their own path
     * @param tls     how an https url is spoken to; empty for http
     * @param timeout     the bound on each exchange (and on connecting, up to 30 s)
     * @param connections the most connections open at once
     * @param who         names the owner in TLS file errors
     * @throws IOException when the TLS files cannot be read
     */
    public HttpClient(URI url, Optional<ClientTls> tls, Duration timeout, int connections, String who,
            EventLoopGroup group) throws IOException {
        this.timeout = timeout;
        this.pool = new HttpPool(url, tls, timeout, MAX_RESPONSE_BYTES, connections, group, who);
    }

    /**
     * Sends one request and completes with its answer or why there was none; never exceptionally.
     *
     * @param pathAndQuery the request target ({@code /loki/api/v1/push})
     * @param headers      request headers besides Host, Connection and Content-Length
     * @param body         the body; the first {@code length} bytes are sent, and must stay unchanged until completion
     */
    public CompletionStage<Answer> exchange(HttpMethod method, String pathAndQuery, Map<String, String> headers,
            byte[] body, int length) {
        HttpHeaders h = new DefaultHttpHeaders();
        headers.forEach(h::set);
        return pool.exchange(new HttpPool.Request(method, pathAndQuery, h, body, 0, length, timeout))
                .thenApply(r -> r.failure() != null ? new Failure(r.failure())
                        : new Response(r.answer().status(), r.answer().headers().get(HttpHeaderNames.RETRY_AFTER),
                                new String(r.answer().body(), StandardCharsets.UTF_8)));
    }

    /**
     * A credential kept in a file (a token, a password) for a request header: the file's one line, surrounding
     * blanks dropped. Never logged; errors name the file and the key, never the content.
     */
    public static String credential(Path file, String key) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty() || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IOException(key + " " + file + " must hold one line, the credential");
        }
        return s;
    }

    @Override
    public void close() {
        pool.close();
    }
}
