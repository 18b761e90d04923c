package dev.gapless.agent.input.http;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.Tls;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.http.HttpInputConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events POSTed over HTTP/1.1 (keep-alive, optionally TLS or mTLS). Each connection gets its own pipeline: TLS,
 * an idle timer, {@link HttpServerCodec} and its {@link RequestHandler} (reading is manual: the handler asks for
 * more only once a request is answered), which gathers, checks and offers each request's events to the
 * {@link IngestPort} as one batch. At {@code max_connections} a new connection is closed on accept (counted); the
 * heap a connection holds is bounded by {@code max_body_bytes} while its body arrives, plus
 * {@code max_decompressed_bytes} and the parsed batch while its event loop parses it.
 */
public final class HttpInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(HttpInput.class);
    /** The longest request line and header block accepted; longer ones are answered 400 and the connection closed. */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 16384;
    /** Body chunks the codec hands on; a body is gathered from them up to max_body_bytes. */
    static final int MAX_CHUNK = 64 * 1024;

    /** What every connection's handler needs, resolved at start (the token read from its file or variable). */
    record Settings(String path, int maxBodyBytes, int maxDecompressedBytes, int maxEventBytes, String messageKey,
                    BearerToken token) {
    }

    private final HttpInputConfig config;
    private final IngestPort port;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Clock clock;
    private final InputStats stats;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    // Open connections, for max_connections; changed on accept and on close, from any event loop.
    private final AtomicInteger open = new AtomicInteger();
    private Channel server;

    public HttpInput(HttpInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers,
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
        Settings settings = new Settings(config.path(), (int) config.maxBodyBytes().bytes(),
                (int) config.maxDecompressedBytes().bytes(),
                (int) Math.min(Integer.MAX_VALUE - 16, config.maxEventBytes().bytes()), config.messageKey(), token());
        SslContext tls = tls();
        long idleMs = config.idleTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.AUTO_READ, false) // the handler reads one message at a time
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
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS),
                                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK),
                                new RequestHandler(settings, port, stats, clock));
                    }
                });
        ChannelFuture bound = b.bind(config.listen().host(), config.listen().port()).await();
        if (!bound.isSuccess()) {
            throw new IOException("input " + config.id() + ": cannot listen on " + config.listen() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        log.info("input {} listening on {}{} at path {}{}", config.id(), tls == null ? "http://" : "https://",
                boundAddress(), config.path(), settings.token().required() ? ", bearer token required" : "");
    }

    /** The bearer token from its file or variable, read once at start; the token itself is never logged. */
    private BearerToken token() throws IOException {
        if (config.auth().isEmpty()) {
            return BearerToken.NONE;
        }
        HttpInputConfig.Auth auth = config.auth().get();
        String token;
        String from;
        if (auth.tokenFile().isPresent()) {
            from = "token_file " + auth.tokenFile().get();
            token = Files.readString(auth.tokenFile().get(), StandardCharsets.UTF_8).trim();
        } else {
            from = "token_env " + auth.tokenEnv().get();
            token = System.getenv(auth.tokenEnv().get());
            if (token == null) {
                throw new IOException("input " + config.id() + ": " + from + " is not set");
            }
            token = token.trim();
        }
        try {
            return BearerToken.of(token);
        } catch (IllegalArgumentException e) {
            throw new IOException("input " + config.id() + ": the token in " + from + " is empty or holds whitespace",
                    e);
        }
    }

    private SslContext tls() throws IOException {
        return config.tls().isEmpty() ? null : Tls.server(config.tls().get(), "input " + config.id());
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
