package dev.gapless.agent.net;

import dev.gapless.agent.input.InputStats;
import dev.gapless.config.HostPort;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener every HTTP input shares, so that what they have in common cannot drift apart: the bind, the
 * {@code max_connections} bound (a connection past it is closed on accept and counted), and each connection's
 * pipeline up to the input's own handlers: TLS when {@code tls:} is set (mTLS with its CA file), an idle timer
 * ({@code idle_timeout}) and {@link HttpServerCodec} with hard limits on the request line, the headers and the
 * chunks it hands on. Reading is manual (auto-read off): the input's last handler asks for every read, so a
 * connection never has more than one read decoded ahead of its answers. The bearer token of {@code auth:} is read
 * here too, once at start ({@link #load()}).
 */
public final class HttpListener {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    /** The longest request line and header block accepted; longer ones are answered 400 and the connection closed. */
    public static final int MAX_INITIAL_LINE = 8192;
    public static final int MAX_HEADER_BYTES = 16384;
    /** The largest body chunk the codec hands on; the input gathers a body from them up to its own bound. */
    public static final int MAX_CHUNK = 64 * 1024;

    /**
     * What one input's listener is.
     *
     * @param who            names the input in the log and in errors ("input web")
     * @param listen         bind address
     * @param maxConnections open connections past this are closed on accept
     * @param idleTimeout    the idle timer each connection gets; what idle means is the input handler's to decide
     */
    public record Spec(String who, HostPort listen, int maxConnections, Duration idleTimeout,
                       Optional<ServerTls> tls, Optional<BearerAuth> auth) {
    }

    private final Spec spec;
    private final InputStats stats;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    // Open connections, for max_connections; changed on accept and on close, from any event loop.
    private final AtomicInteger open = new AtomicInteger();
    // Set by load: the token every request must carry (NONE without auth) and the TLS context (null without).
    private BearerToken token = BearerToken.NONE;
    private SslContext tls;
    private boolean loaded;
    private Channel server;

    public HttpListener(Spec spec, InputStats stats, EventLoopGroup boss, EventLoopGroup workers) {
        this.spec = spec;
        this.stats = stats;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Reads the bearer token and the TLS files, before {@link #bind}.
     *
     * @return the token every request must carry ({@link BearerToken#NONE} without {@code auth:})
     * @throws IOException naming the input and the file or variable when one cannot be read
     */
    public BearerToken load() throws IOException {
        token = BearerToken.from(spec.auth(), spec.who());
        tls = spec.tls().isEmpty() ? null : Tls.server(spec.tls().get(), spec.who());
        loaded = true;
        return token;
    }

    /**
     * Binds, after {@link #load}: each accepted connection gets the shared stages, then {@code handlers} adds the
     * input's own (the last of which asks for reads).
     *
     * @throws IOException naming the input when the address cannot be bound
     */
    public void bind(Consumer<ChannelPipeline> handlers) throws IOException, InterruptedException {
        if (!loaded) {
            throw new IllegalStateException("load() first");
        }
        long idleMs = spec.idleTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.AUTO_READ, false) // the input's handler reads one request at a time
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > spec.maxConnections()) {
                            open.decrementAndGet();
                            stats.connectionsRefused.increment();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        connections.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS),
                                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK));
                        handlers.accept(ch.pipeline());
                    }
                });
        ChannelFuture bound = b.bind(spec.listen().host(), spec.listen().port()).await();
        if (!bound.isSuccess()) {
            throw new IOException(spec.who() + ": cannot listen on " + spec.listen() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
    }

    /** {@code https://host:port} or {@code http://host:port} and whether a token is required, for the start line. */
    public String describe() {
        return (tls == null ? "http://" : "https://") + boundAddress()
                + (token.required() ? " (bearer token required)" : "");
    }

    /** The address bound, with the port the OS chose for port 0; null before start. */
    public String boundAddress() {
        if (server == null) {
            return null;
        }
        return HostPort.of((InetSocketAddress) server.localAddress()).toString();
    }

    /** Closes the listener, then every open connection (what they were sending was never answered). */
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Logs a broken connection the same way for every HTTP input: a refused TLS handshake is the operator's
     * business (a client without a valid certificate, WARN); a reset is not (DEBUG). What it was sending was never
     * taken, so never acknowledged.
     */
    public static void connectionFailed(InputStats stats, ChannelHandlerContext ctx, Throwable cause) {
        if (cause.getCause() instanceof SSLException || cause instanceof SSLException) {
            log.warn("input {}: TLS with {} failed: {}", stats.id, ctx.channel().remoteAddress(),
                    (cause.getCause() == null ? cause : cause.getCause()).getMessage());
        } else {
            log.debug("input {}: connection {} failed: {}", stats.id, ctx.channel().remoteAddress(), cause.toString());
        }
    }
}
