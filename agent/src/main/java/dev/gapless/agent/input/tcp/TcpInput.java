package dev.gapless.agent.input.tcp;

import dev.gapless.config.HostPort;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.config.input.tcp.TcpInputConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Newline-delimited lines over TCP. Binds 127.0.0.1 unless configured otherwise. Each connection gets its own
 * {@link LineFramer} and {@link IngestHandler}, which hands its lines to the {@link IngestPort} (a sender of its
 * own); at {@code max_connections} a new connection evicts an idle one or is refused, as {@link ConnectionSlots}
 * decides.
 */
public final class TcpInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(TcpInput.class);
    /** The largest socket read (and so batch offered to the port) of one connection. */
    static final int MAX_READ_BYTES = 256 * 1024;

    private final TcpInputConfig config;
    private final IngestPort port;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Clock clock;
    private final InputStats stats;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ConnectionSlots slots;
    private Channel server;

    public TcpInput(TcpInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers, Clock clock) {
        this.config = config;
        this.port = port;
        this.boss = boss;
        this.workers = workers;
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.slots = new ConnectionSlots(config.id(), config.maxConnections(), config.idleTimeout(), stats, clock);
    }

    @Override
    public void start() throws InterruptedException, IOException {
        int maxLine = (int) Math.min(Integer.MAX_VALUE - 16, config.maxLineBytes().bytes());
        ServerBootstrap b = serverBootstrap(boss, workers)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        slots.admit(ch).ifPresent(readStamp -> {
                            connections.add(ch);
                            ch.pipeline().addLast(readStamp, new LineFramer(maxLine),
                                    new IngestHandler(port, stats, clock));
                        });
                    }
                });
        ChannelFuture bound = b.bind(config.listen().host(), config.listen().port()).await();
        if (!bound.isSuccess()) {
            // Netty's BindException says "Address already in use" without the address
            throw new IOException("input " + config.id() + ": cannot listen on " + config.listen() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        log.info("input {} listening on {}", config.id(), boundAddress());
    }

    /**
     * The listener every TCP-based input uses: accepts on {@code boss}, reads on {@code workers}, with reads of up
     * to {@link #MAX_READ_BYTES} when the peer sends that fast (Netty's default stops at 64 KiB): a read is one
     * journal append, so four times fewer appends, documents and wake-ups at full speed (measured: 1.65 -> 1.25 agent
     * CPU-seconds per million 256-byte lines). A slow connection still gets small buffers: the allocator follows what
     * the reads bring. The caller adds its child handler and binds.
     */
    public static ServerBootstrap serverBootstrap(EventLoopGroup boss, EventLoopGroup workers) {
        return new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ_BYTES));
    }

    @Override
    public String boundAddress() {
        if (server == null) {
            return null;
        }
        return HostPort.of((InetSocketAddress) server.localAddress()).toString();
    }

    /** The open connections; tests look at their autoRead. */
    ChannelGroup connections() {
        return connections;
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
