package dev.gapless.agent.output.http;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.tls.ClientTls;
import io.netty.bootstrap.Bootstrap;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One kept-alive HTTP/1.1 (or HTTPS) connection to one server, one request at a time: the client half of the sinks
 * that speak an HTTP API with more than one request per send (a push then acknowledgement polls). It works as
 * {@link HttpSink} does: a {@link ReadTimeoutHandler} after the aggregator only while a request is outstanding (no
 * full answer within {@code timeout} is a {@link Outcome.ErrorKind#TIMEOUT} and the connection is dropped), a
 * request on a kept-alive connection the server closed meanwhile goes once more on a fresh one, and an answer larger
 * than {@link #MAX_RESPONSE_BYTES} fails the exchange. Every exchange completes, with an answer or a failure.
 *
 * <p>Callers issue the next request only once the previous one completed (one output worker, one send at a time).
 */
public final class HttpClient implements AutoCloseable {

    /** Larger answers are refused by the aggregator, failing the exchange (retryable). */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final String ANSWER_TIMEOUT = "answerTimeout";
    private static final String RESPONSE = "response";

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

    private final URI url;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final Duration timeout;
    private final Bootstrap bootstrap;
    // The kept-alive connection; set by the connect listener on the event loop, read by the calling thread.
    private volatile Channel channel;

    /**
     * @param url     the server (scheme, host, port); requests name their own path
     * @param tls     how an https url is spoken to; empty for http
     * @param timeout the bound on each exchange's answer (and on connecting, up to 30 s)
     * @param who     names the owner in TLS file errors
     * @throws IOException when the TLS files cannot be read
     */
    public HttpClient(URI url, Optional<ClientTls> tls, Duration timeout, String who, EventLoopGroup group)
            throws IOException {
        this.url = url;
        this.timeout = timeout;
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (tls.isPresent() ? 443 : 80);
        this.hostHeader = port == 80 || port == 443 ? host : host + ":" + port;
        SslContext ssl = tls.isPresent() ? Tls.client(tls.get(), who) : null;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 30_000))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(Tls.clientHandler(ssl, tls.get(), ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                                .addLast(RESPONSE, new ResponseHandler());
                    }
                });
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
        CompletableFuture<Answer> result = new CompletableFuture<>();
        Request request = new Request(method, pathAndQuery, headers, body, length, result);
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, request, true);
        } else {
            connectAndWrite(request);
        }
        return result;
    }

    private void connectAndWrite(Request request) {
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                channel = connect.channel();
                write(connect.channel(), request, false);
            } else {
                request.result.complete(failure(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + host + ":" + port + " failed: " + f.cause().getMessage()));
            }
        });
    }

    private static Failure failure(Outcome.ErrorKind kind, String why) {
        return new Failure(new Outcome.Retryable(kind, why, null));
    }

    private void write(Channel ch, Request request, boolean reused) {
        ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
        if (handler == null) { // closed meanwhile and torn down
            ch.eventLoop().execute(() -> failed(ch, null, request, reused, "connection to " + url + " closed"));
            return;
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method, request.target,
                Unpooled.wrappedBuffer(request.body, 0, request.length));
        req.headers().set(HttpHeaderNames.HOST, hostHeader);
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        for (Map.Entry<String, String> h : request.headers.entrySet()) {
            req.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(req, request.length);
        ch.eventLoop().execute(() -> {
            if (!ch.isActive()) { // closed since: the handler saw no request, so nothing else fails this one
                req.release();
                failed(ch, null, request, reused, "connection to " + url + " closed");
                return;
            }
            handler.request = request;
            handler.reused = reused;
            // Before the write, so that the timer also runs while a large body is still being sent.
            ch.pipeline().addBefore(RESPONSE, ANSWER_TIMEOUT,
                    new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS));
            ch.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    failed(ch, handler, request, reused, "sending to " + url + " failed: " + f.cause().getMessage());
                }
            });
        });
    }

    /**
     * A request failed before any answer. On a kept-alive connection the server may simply have closed it while
     * idle: the request goes once more on a fresh connection (at most once per exchange, so this cannot loop).
     */
    private void failed(Channel ch, ResponseHandler handler, Request request, boolean reused, String why) {
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
        if (reused) {
            connectAndWrite(request);
        } else {
            request.result.complete(failure(Outcome.ErrorKind.UNREACHABLE, why));
        }
    }

    private record Request(HttpMethod method, String target, Map<String, String> headers, byte[] body, int length,
            CompletableFuture<Answer> result) {
    }

    /** One per connection: completes the request in flight on it, and only that one. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        // The request outstanding on this connection and whether it was sent on a reused one; event loop only.
        Request request;
        boolean reused;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            Request r = request;
            request = null;
            if (ctx.pipeline().get(ANSWER_TIMEOUT) != null) {
                ctx.pipeline().remove(ANSWER_TIMEOUT);
            }
            if (r != null) {
                r.result.complete(new Response(res.status().code(), res.headers().get(HttpHeaderNames.RETRY_AFTER),
                        res.content().toString(StandardCharsets.UTF_8)));
            }
            if (!HttpUtil.isKeepAlive(res)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Request r = request;
            if (r != null) {
                failed(ctx.channel(), this, r, reused, "connection to " + url + " closed before an answer");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Request r = request;
            request = null;
            ctx.close();
            if (r != null) {
                r.result.complete(cause instanceof ReadTimeoutException
                        ? failure(Outcome.ErrorKind.TIMEOUT,
                                "no answer from " + url + " within " + timeout.toMillis() + " ms")
                        : failure(Outcome.ErrorKind.UNREACHABLE, "exchange with " + url + " failed: " + cause));
            }
        }
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
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
