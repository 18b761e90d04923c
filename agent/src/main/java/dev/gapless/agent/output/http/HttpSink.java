package dev.gapless.agent.output.http;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.HttpOutputConfig;
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
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * POSTs each batch as NDJSON over one kept-alive connection (HTTP/1.1, or HTTPS). The answer decides:
 * 2xx delivered; 408, 429 and 5xx retryable (honouring {@code Retry-After} in seconds); any other status
 * rejected for good. No answer within {@code timeout} is a retryable timeout and the connection is dropped.
 * Response bodies are read up to {@link #MAX_RESPONSE_BYTES}; a longer one fails the attempt.
 */
public final class HttpSink implements Sink {

    /** Responses larger than this are refused by the aggregator, failing the attempt (retryable). */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final HttpOutputConfig config;
    private final URI url;
    private final String host;
    private final int port;
    private final String pathAndQuery;
    private final Bootstrap bootstrap;
    // Only the output worker thread sets these; the event loop completes `current`.
    private Channel channel;
    private volatile CompletableFuture<Outcome> current;

    public HttpSink(HttpOutputConfig config, EventLoopGroup group) {
        this.config = config;
        this.url = config.url();
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80);
        String p = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.pathAndQuery = url.getRawQuery() == null ? p : p + "?" + url.getRawQuery();
        SslContext ssl = tls ? sslContext() : null;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.timeout().toMillis(), 30_000))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                                new ResponseHandler());
                    }
                });
    }

    private static SslContext sslContext() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        current = result;
        if (channel != null && channel.isActive()) {
            write(channel, batch, result);
            return result;
        }
        ChannelFuture connect = bootstrap.connect(host, port);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                channel = connect.channel();
                write(channel, batch, result);
            } else {
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + host + ":" + port + " failed: " + f.cause().getMessage(), null));
            }
        });
        return result;
    }

    private void write(Channel ch, EncodedBatch batch, CompletableFuture<Outcome> result) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, pathAndQuery,
                Unpooled.wrappedBuffer(batch.bytes(), 0, batch.length()));
        req.headers().set(HttpHeaderNames.HOST, port == 80 || port == 443 ? host : host + ":" + port);
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        req.headers().set("X-Gapless-Seq-Range", batch.firstSeq() + "-" + batch.lastSeq());
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            req.headers().set(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(req, batch.length());
        ScheduledFuture<?> timeout = ch.eventLoop().schedule(() -> {
            if (result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT,
                    "no answer from " + url + " within " + config.timeout().toMillis() + " ms", null))) {
                ch.close();
            }
        }, config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((o, t) -> timeout.cancel(false));
        ch.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "sending to " + url + " failed: " + f.cause().getMessage(), null));
            }
        });
    }

    /** Classifies an HTTP answer. */
    static Outcome classify(int status, String retryAfter, String body) {
        if (status >= 200 && status < 300) {
            return Outcome.DELIVERED;
        }
        String what = "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
        if (status == 408 || status == 429 || status >= 500) {
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

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            String body = res.content().toString(StandardCharsets.UTF_8);
            if (body.length() > 200) {
                body = body.substring(0, 200) + "…";
            }
            CompletableFuture<Outcome> f = current;
            if (f != null) {
                f.complete(classify(res.status().code(), res.headers().get(HttpHeaderNames.RETRY_AFTER), body.strip()));
            }
            if (!HttpUtil.isKeepAlive(res)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Outcome> f = current;
            if (f != null) {
                f.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connection to " + url + " closed before an answer", null));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Outcome> f = current;
            if (f != null) {
                f.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, String.valueOf(cause.getMessage()), null));
            }
            ctx.close();
        }
    }

    @Override
    public String destination() {
        return url.toString();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
