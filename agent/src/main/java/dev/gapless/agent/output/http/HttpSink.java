package dev.gapless.agent.output.http;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.tls.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * POSTs each batch over one kept-alive connection (HTTP/1.1, or HTTPS): as NDJSON for the http output, or in the
 * body and with the reading of answers of another {@link Exchange} (the otlp output's). For NDJSON the answer decides:
 * 2xx delivered; 408, 429 and 5xx retryable (honouring {@code Retry-After} in seconds); any other status
 * rejected for good. No full answer within {@code timeout} of sending is a retryable timeout and the connection
 * is dropped. Response bodies are read up to {@link #MAX_RESPONSE_BYTES}; a longer one fails the attempt.
 *
 * <p>The timeout is a {@link ReadTimeoutHandler} in the pipeline only while a request is outstanding: added when the
 * request is written, removed when its answer is complete (a failed request closes the connection, which stops it),
 * so a kept-alive connection idle between batches has no timer. It sits after the {@link HttpObjectAggregator},
 * where the only read is a complete response: a server trickling bytes of an answer cannot hold a request open
 * past the timeout.
 */
public final class HttpSink implements Sink {

    /** Responses larger than this are refused by the aggregator, failing the attempt (retryable). */
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** Pipeline names: the per-request answer timeout goes in front of the response handler. */
    static final String ANSWER_TIMEOUT = "answerTimeout";
    private static final String RESPONSE = "response";

    /** Where a sink POSTs to and how: the parts of an output's config the client needs. */
    public record Endpoint(String id, URI url, Duration timeout, Map<String, String> headers,
            Optional<ClientTls> tls) {
    }

    /** What one POST carries and what its answer means. Called on the worker thread and the event loop. */
    public interface Exchange {

        /**
         * The request body of a batch, made once per send (on the worker thread); the batch's arrays may be used in
         * place until the send completes.
         *
         * @return null when nothing of the batch goes to the destination: it is delivered without a request
         * @throws IllegalArgumentException the batch cannot be put in a request: it is rejected with the message
         */
        Body body(EncodedBatch batch);

        /** Classifies a complete answer; {@code content} is released by the caller. */
        Outcome answer(int status, String retryAfter, ByteBuf content);
    }

    /** A request body ({@code bytes[0, length)}), its {@code Content-Type} and {@code Content-Encoding} (or null). */
    public record Body(byte[] bytes, int length, String contentType, String contentEncoding) {
    }

    /** The http output's: the batch as it is encoded, as NDJSON. */
    private static final Exchange NDJSON = new Exchange() {
        @Override
        public Body body(EncodedBatch batch) {
            return new Body(batch.bytes(), batch.length(), "application/x-ndjson", null);
        }

        @Override
        public Outcome answer(int status, String retryAfter, ByteBuf content) {
            String body = content.toString(StandardCharsets.UTF_8);
            if (body.length() > 200) {
                body = body.substring(0, 200) + "…";
            }
            return classify(status, retryAfter, body.strip());
        }
    };

    private final Endpoint config;
    private final Exchange exchange;
    private final URI url;
    private final String host;
    private final int port;
    private final String pathAndQuery;
    private final Bootstrap bootstrap;
    // The kept-alive connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    /** @throws IOException when the TLS files cannot be read */
    public HttpSink(HttpOutputConfig config, EventLoopGroup group) throws IOException {
        this(new Endpoint(config.id(), config.url(), config.timeout(), config.headers(), config.tls()), NDJSON, group);
    }

    /** @throws IOException when the TLS files cannot be read */
    public HttpSink(Endpoint config, Exchange exchange, EventLoopGroup group) throws IOException {
        this.config = config;
        this.exchange = exchange;
        this.url = config.url();
        boolean tls = config.tls().isPresent();
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80);
        String p = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.pathAndQuery = url.getRawQuery() == null ? p : p + "?" + url.getRawQuery();
        SslContext ssl = tls ? Tls.client(config.tls().get(), "output " + config.id()) : null;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.timeout().toMillis(), 30_000))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(Tls.clientHandler(ssl, config.tls().get(), ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                                .addLast(RESPONSE, new ResponseHandler());
                    }
                });
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        Body body;
        try {
            body = exchange.body(batch);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected(e.getMessage()));
        }
        if (body == null) {
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        }
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, new Request(batch, body, result, true));
        } else {
            connectAndWrite(batch, body, result);
        }
        return result;
    }

    private void connectAndWrite(EncodedBatch batch, Body body, CompletableFuture<Outcome> result) {
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                channel = connect.channel();
                write(connect.channel(), new Request(batch, body, result, false));
            } else {
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + host + ":" + port + " failed: " + f.cause().getMessage(), null));
            }
        });
    }

    private void write(Channel ch, Request request) {
        ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
        if (handler == null) { // closed meanwhile and torn down
            ch.eventLoop().execute(() -> failed(ch, null, request, "connection to " + url + " closed"));
            return;
        }
        EncodedBatch batch = request.batch;
        Body body = request.body;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, pathAndQuery,
                Unpooled.wrappedBuffer(body.bytes(), 0, body.length()));
        req.headers().set(HttpHeaderNames.HOST, port == 80 || port == 443 ? host : host + ":" + port);
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        if (body.contentEncoding() != null) {
            req.headers().set(HttpHeaderNames.CONTENT_ENCODING, body.contentEncoding());
        }
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        req.headers().set("X-Gapless-Seq-Range", batch.firstSeq() + "-" + batch.lastSeq());
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            req.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(req, body.length());
        ch.eventLoop().execute(() -> {
            if (!ch.isActive()) { // closed since: the handler saw no request, so nothing else fails this one
                req.release();
                failed(ch, null, request, "connection to " + url + " closed");
                return;
            }
            handler.request = request;
            // Before the write, so that the timer also runs while a large body is still being sent.
            ch.pipeline().addBefore(RESPONSE, ANSWER_TIMEOUT,
                    new ReadTimeoutHandler(config.timeout().toMillis(), TimeUnit.MILLISECONDS));
            ch.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    failed(ch, handler, request, "sending to " + url + " failed: " + f.cause().getMessage());
                }
            });
        });
    }

    /** Stops the answer timeout of the request that was outstanding on {@code ch}, if it runs. */
    private static void stopAnswerTimeout(Channel ch) {
        assert ch.eventLoop().inEventLoop();
        if (ch.pipeline().get(ANSWER_TIMEOUT) != null) {
            ch.pipeline().remove(ANSWER_TIMEOUT);
        }
    }

    /** Whether an answer timeout runs on the kept-alive connection now (tests: none between batches). */
    boolean answerTimeoutArmed() throws Exception {
        Channel ch = channel;
        return ch != null && ch.eventLoop().submit(() -> ch.pipeline().get(ANSWER_TIMEOUT) != null).get();
    }

    /**
     * A request failed before any answer. On a kept-alive connection the server may simply have closed it while
     * idle: the request goes once more on a fresh connection (at most once per send, so this cannot loop).
     * Runs on the connection's event loop.
     */
    private void failed(Channel ch, ResponseHandler handler, Request request, String why) {
        assert ch.eventLoop().inEventLoop();
        if (handler != null) {
            if (handler.request != request) {
                return; // answered, or already failed
            }
            handler.request = null;
        }
        if (request.result.isDone()) {
            return;
        }
        if (request.reused) {
            connectAndWrite(request.batch, request.body, request.result);
        } else {
            request.result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, why, null));
        }
    }

    /** One send in flight on one connection. */
    private static final class Request {
        final EncodedBatch batch;
        final Body body;
        final CompletableFuture<Outcome> result;
        /** Sent on a connection an earlier send opened (which the server may have closed meanwhile). */
        final boolean reused;

        Request(EncodedBatch batch, Body body, CompletableFuture<Outcome> result, boolean reused) {
            this.batch = batch;
            this.body = body;
            this.result = result;
            this.reused = reused;
        }
    }

    /**
     * Classifies an HTTP answer by its status: 2xx delivered; 1xx, 3xx, 401, 403, 404, 407, 408, 429 and 5xx
     * retryable (with {@code Retry-After} in seconds); any other status rejected.
     */
    public static Outcome classify(int status, String retryAfter, String body) {
        if (status >= 200 && status < 300) {
            return Outcome.DELIVERED;
        }
        String what = "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
        // Auth and routing failures (401, 403, 404, 407) say the destination or our config is wrong, not the
        // events: retry (the watchdog alerts) rather than dead-letter every event until someone notices.
        // 1xx and 3xx (a redirect we do not follow) are a configuration error too, never the events' fault.
        if (status < 200 || (status >= 300 && status < 400)
                || status == 401 || status == 403 || status == 404 || status == 407 || status == 408 || status == 429
                || status >= 500) {
            return new Outcome.Retryable(Outcome.ErrorKind.REFUSED, what, parseRetryAfter(retryAfter));
        }
        return new Outcome.Rejected(what);
    }

    private static Duration parseRetryAfter(String value) {
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

    /** One per connection: completes the request in flight on it, and only that one. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        // The request outstanding on this connection, or null; only the connection's event loop.
        Request request;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            assert ctx.executor().inEventLoop();
            Request r = request;
            request = null;
            stopAnswerTimeout(ctx.channel());
            if (r != null) {
                Outcome outcome;
                try {
                    outcome = exchange.answer(res.status().code(), res.headers().get(HttpHeaderNames.RETRY_AFTER),
                            res.content());
                } catch (RuntimeException e) { // the agent's own bug: the worker logs and retries it
                    r.result.completeExceptionally(e);
                    outcome = null;
                }
                if (outcome != null) {
                    r.result.complete(outcome);
                }
            }
            if (!HttpUtil.isKeepAlive(res)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            assert ctx.executor().inEventLoop();
            Request r = request;
            if (r != null) {
                failed(ctx.channel(), this, r, "connection to " + url + " closed before an answer");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            assert ctx.executor().inEventLoop();
            Request r = request;
            request = null;
            ctx.close();
            if (r != null) {
                r.result.complete(cause instanceof ReadTimeoutException
                        ? new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT,
                                "no answer from " + url + " within " + config.timeout().toMillis() + " ms", null)
                        : new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                                "exchange with " + url + " failed: " + cause, null));
            }
        }
    }

    @Override
    public String destination() {
        return url.toString();
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
