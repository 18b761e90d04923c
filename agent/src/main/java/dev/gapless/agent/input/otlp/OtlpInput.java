package dev.gapless.agent.input.otlp;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry logs over OTLP/HTTP ({@code POST /v1/logs}). Each connection gets its own pipeline: an idle timer,
 * {@link HttpServerCodec}, an aggregator that gathers a body up to {@code max_body_bytes} (413 past it, counted)
 * and its {@link RequestHandler} (reading is manual: it asks for more only once a request is answered). At
 * {@code max_connections} a new connection is closed on accept (counted). The heap one connection holds is bounded
 * by {@code max_body_bytes} while its body arrives, plus {@code max_decompressed_bytes}, the decoded request and
 * its batch while its event loop handles it.
 */
public final class OtlpInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(OtlpInput.class);
    /** The longest request line and header block accepted; longer ones are answered 400 and the connection closed. */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 16384;
    static final int MAX_CHUNK = 64 * 1024;

    /** What every connection's handler needs. */
    record Settings(int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes) {
    }

    private final OtlpInputConfig config;
    private final IngestPort port;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Clock clock;
    private final InputStats stats;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    // Open connections, for max_connections; changed on accept and on close, from any event loop.
    private final AtomicInteger open = new AtomicInteger();
    private Channel server;

    public OtlpInput(OtlpInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers,
                     Clock clock) {
        this.config = config;
        this.port = port;
        this.boss = boss;
        this.workers = workers;
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
    }

    @Override
    public void start() throws IOException, InterruptedException {
        Settings settings = new Settings((int) config.maxBodyBytes().bytes(),
                (int) config.maxDecompressedBytes().bytes(),
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxEventBytes().bytes()));
        long idleMs = config.idleTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.AUTO_READ, false) // the handler reads one request at a time
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > config.maxConnections()) {
                            open.decrementAndGet();
                            stats.connectionsRefused.increment();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        connections.add(ch);
                        ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS),
                                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK),
                                new Aggregator(settings.maxBodyBytes(), stats),
                                new RequestHandler(settings, port, stats, clock));
                    }
                });
        ChannelFuture bound = b.bind(config.listen().host(), config.listen().port()).await();
        if (!bound.isSuccess()) {
            throw new IOException("input " + config.id() + ": cannot listen on " + config.listen() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        log.info("input {} listening on http://{}{}", config.id(), boundAddress(), OtlpInputConfig.PATH);
    }

    /**
     * Netty's aggregator, which answers 413 (and closes unless the rest can be skipped) for a body past
     * {@code max_body_bytes}; here it also counts the request as one rejected event (its records are unknown).
     */
    private static final class Aggregator extends HttpObjectAggregator {
        private final InputStats stats;

        Aggregator(int maxBody, InputStats stats) {
            super(maxBody, true);
            this.stats = stats;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            stats.rejected.increment();
            log.warn("input {}: refused a request from {} (413): its body exceeds max_body_bytes ({})", stats.id,
                    ctx.channel().remoteAddress(), maxContentLength());
            super.handleOversizedMessage(ctx, oversized);
        }
    }

    @Override
    public String boundAddress() {
        if (server == null) {
            return null;
        }
        return HostPort.of((InetSocketAddress) server.localAddress()).toString();
    }

    @Override
    public InputStats stats() {
        return stats;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
