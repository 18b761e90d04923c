package dev.gapless.agent.admin;

import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's admin listener: {@code GET /health} (JSON, the watchdog's contract), {@code GET /metrics}
 * (Dropwizard JSON) and {@code GET /metrics/prometheus} (Prometheus text). Read-only: nothing here changes
 * the agent, and nothing but these three paths answers. Binds localhost unless configured otherwise. Request
 * bodies are refused past {@link #MAX_REQUEST_BYTES}; idle connections close after 30 s.
 */
public final class AdminServer implements AutoCloseable {

    /** Admin requests have no body worth reading; larger ones get 413 and the connection closes. */
    static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final HealthReport health;
    private final AgentMetrics metrics;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, false));
    private final PrometheusTextFormatWriter prometheusWriter = PrometheusTextFormatWriter.create();
    private final Failpoints failpoints;
    private Channel server;

    public AdminServer(HealthReport health, AgentMetrics metrics, Failpoints failpoints) {
        this.health = health;
        this.metrics = metrics;
        this.failpoints = failpoints;
    }

    public void start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers)
            throws InterruptedException, IOException {
        ChannelFuture bound = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30), new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), new Router());
                    }
                })
                .bind(listen.host(), listen.port()).await();
        if (!bound.isSuccess()) {
            // Netty's BindException says "Address already in use" without the address
            throw new IOException("admin.listen " + listen + ": cannot listen: " + bound.cause().getMessage(),
                    bound.cause());
        }
        server = bound.channel();
        log.info("admin listening on http://{}/health", boundAddress());
    }

    public String boundAddress() {
        return HostPort.of((InetSocketAddress) server.localAddress()).toString();
    }

    private final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
            String path;
            try {
                path = req.decoderResult().isSuccess() ? new QueryStringDecoder(req.uri()).path() : null;
            } catch (IllegalArgumentException e) { // a malformed %-escape in the path
                path = null;
            }
            if (path == null) {
                respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain",
                        "bad request\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                        "only GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try {
                route(ctx, req, path);
            } catch (RuntimeException e) {
                // A failure to render (a bug: a metric that cannot be exported) must be seen, not a silently
                // dropped connection: the client gets a bare 500, the details stay in the agent's log.
                log.warn("admin endpoint: {} failed: {}", path, e.toString(), e);
                respond(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain",
                        "internal error: see the agent's log\n".getBytes(StandardCharsets.UTF_8));
            }
        }

        private void route(ChannelHandlerContext ctx, FullHttpRequest req, String path) throws IOException {
            switch (path) {
                case "/health" -> {
                    if (failpoints.healthHang()) {
                        return; // FAILPOINT: never answer
                    }
                    respond(ctx, req, HttpResponseStatus.OK, "application/json", health.render());
                }
                case "/metrics" -> respond(ctx, req, HttpResponseStatus.OK, "application/json",
                        json.writeValueAsBytes(metrics.registry()));
                case "/metrics/prometheus" -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
                    prometheusWriter.write(out, metrics.prometheus().scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
                    respond(ctx, req, HttpResponseStatus.OK, PrometheusTextFormatWriter.CONTENT_TYPE,
                            out.toByteArray());
                }
                default -> respond(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain",
                        "not found: try /health, /metrics, /metrics/prometheus\n".getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                                String contentType, byte[] body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                req.method() == HttpMethod.HEAD ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setContentLength(res, req.method() == HttpMethod.HEAD ? 0 : body.length);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
