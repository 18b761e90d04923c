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
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One kept-alive HTTP/1.1 (or HTTPS) connection to one server, carrying one request at a time, reopened when lost:
 * the client half of the outputs that speak HTTP. An exchange ends with the server's full answer, or with a
 * retryable failure (not reached, connection lost, no answer in time); it always ends. Only one exchange is in
 * flight at a time (the output worker sends one batch at a time).
 *
 * <p>The answer timeout is a {@link ReadTimeoutHandler} in the pipeline only while a request is outstanding: added
 * when the request is written, removed when its answer is complete (a failed request closes the connection, which
 * stops it), so a kept-alive connection idle between batches has no timer. It sits after the
 * {@link HttpObjectAggregator}, where the only read is a complete response: a server trickling bytes of an answer
 * cannot hold a request open past the timeout. Answers longer than {@code maxResponseBytes} fail the exchange.
 */
public final class HttpConnection implements AutoCloseable {

    /** Pipeline names: the per-request answer timeout goes in front of the response handler. */
    static final String ANSWER_TIMEOUT = "answerTimeout";
    private static final String RESPONSE = "response";

    /** A server's full answer. */
    public record Answer(int status, HttpHeaders headers, byte[] body) {
    }

    /** What an exchange came to: an answer, or the failure to get one (always retryable). */
    public record Result(Answer answer, Outcome.Retryable failure) {
    }

    /** One request: its body is wrapped, not copied, and must not change until the exchange ends. */
    public record Request(HttpMethod method, String pathAndQuery, HttpHeaders headers, byte[] body, int offset,
            int length, Duration timeout) {
    }

    private final URI url;
    private final String host;
    private final int port;
    private final Bootstrap bootstrap;
    // The kept-alive connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    /**
     * @param url              the server (scheme, host, port); requests name their own path
     * @param tls              how https is spoken, or empty for plain http
     * @param connectTimeout   bounds a connect
     * @param maxResponseBytes answers larger than this fail the exchange (retryable)
     * @param who              names the output in TLS file errors
     * @throws IOException when the TLS files cannot be read
     */
    public HttpConnection(URI url, Optional<ClientTls> tls, Duration connectTimeout, int maxResponseBytes,
            EventLoopGroup group, String who) throws IOException {
        this.url = url;
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (tls.isPresent() ? 443 : 80);
        SslContext ssl = tls.isPresent() ? Tls.client(tls.get(), who) : null;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(), 30_000))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(Tls.clientHandler(ssl, tls.get(), ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxResponseBytes))
                                .addLast(RESPONSE, new ResponseHandler());
                    }
                });
    }

    /** The {@code Host} header's value for this server. */
    public String hostHeader() {
        return port == 80 || port == 443 ? host : host + ":" + port;
    }

    /** Sends the request and completes with the answer or the failure; never exceptionally. */
    public CompletionStage<Result> exchange(Request request) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, new Exchange(request, result, true));
        } else {
            connectAndWrite(new Exchange(request, result, false));
        }
        return result;
    }

    private void connectAndWrite(Exchange exchange) {
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                channel = connect.channel();
                write(connect.channel(), exchange);
            } else {
                exchange.fail(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + host + ":" + port + " failed: " + f.cause().getMessage());
            }
        });
    }

    private void write(Channel ch, Exchange exchange) {
        ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
        if (handler == null) { // closed meanwhile and torn down
            ch.eventLoop().execute(() -> failed(ch, null, exchange, "connection to " + url + " closed"));
            return;
        }
        Request r = exchange.request;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, r.method(), r.pathAndQuery(),
                Unpooled.wrappedBuffer(r.body(), r.offset(), r.length()));
        req.headers().set(HttpHeaderNames.HOST, hostHeader());
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        req.headers().add(r.headers());
        HttpUtil.setContentLength(req, r.length());
        ch.eventLoop().execute(() -> {
            if (!ch.isActive()) { // closed since: the handler saw no request, so nothing else fails this one
                req.release();
                failed(ch, null, exchange, "connection to " + url + " closed");
                return;
            }
            handler.exchange = exchange;
            // Before the write, so that the timer also runs while a large body is still being sent.
            ch.pipeline().addBefore(RESPONSE, ANSWER_TIMEOUT,
                    new ReadTimeoutHandler(Math.max(1, r.timeout().toMillis()), TimeUnit.MILLISECONDS));
            ch.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    failed(ch, handler, exchange, "sending to " + url + " failed: " + f.cause().getMessage());
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

    /** Whether an answer timeout runs on the kept-alive connection now (tests: none between requests). */
    boolean answerTimeoutArmed() throws Exception {
        Channel ch = channel;
        return ch != null && ch.eventLoop().submit(() -> ch.pipeline().get(ANSWER_TIMEOUT) != null).get();
    }

    /**
     * A request failed before any answer. On a kept-alive connection the server may simply have closed it while
     * idle: the request goes once more on a fresh connection (at most once per exchange, so this cannot loop).
     * Runs on the connection's event loop.
     */
    private void failed(Channel ch, ResponseHandler handler, Exchange exchange, String why) {
        assert ch.eventLoop().inEventLoop();
        if (handler != null) {
            if (handler.exchange != exchange) {
                return; // answered, or already failed
            }
            handler.exchange = null;
        }
        if (exchange.result.isDone()) {
            return;
        }
        if (exchange.reused) {
            connectAndWrite(new Exchange(exchange.request, exchange.result, false));
        } else {
            exchange.fail(Outcome.ErrorKind.UNREACHABLE, why);
        }
    }

    /** One request in flight on one connection. */
    private static final class Exchange {
        final Request request;
        final CompletableFuture<Result> result;
        /** Sent on a connection an earlier exchange opened (which the server may have closed meanwhile). */
        final boolean reused;

        Exchange(Request request, CompletableFuture<Result> result, boolean reused) {
            this.request = request;
            this.result = result;
            this.reused = reused;
        }

        void fail(Outcome.ErrorKind kind, String why) {
            result.complete(new Result(null, new Outcome.Retryable(kind, why, null)));
        }
    }

    /** One per connection: completes the exchange in flight on it, and only that one. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        // The exchange outstanding on this connection, or null; only the connection's event loop.
        Exchange exchange;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            exchange = null;
            stopAnswerTimeout(ctx.channel());
            if (e != null) {
                byte[] body = new byte[res.content().readableBytes()];
                res.content().getBytes(res.content().readerIndex(), body);
                e.result.complete(new Result(new Answer(res.status().code(), res.headers().copy(), body), null));
            }
            if (!HttpUtil.isKeepAlive(res)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            if (e != null) {
                failed(ctx.channel(), this, e, "connection to " + url + " closed before an answer");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            assert ctx.executor().inEventLoop();
            Exchange e = exchange;
            exchange = null;
            ctx.close();
            if (e != null) {
                if (cause instanceof ReadTimeoutException) {
                    e.fail(Outcome.ErrorKind.TIMEOUT, "no answer from " + url + " within "
                            + e.request.timeout().toMillis() + " ms");
                } else {
                    e.fail(Outcome.ErrorKind.UNREACHABLE, "exchange with " + url + " failed: " + cause);
                }
            }
        }
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
