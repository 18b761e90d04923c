package dev.gapless.agent.input.syslog;

import dev.gapless.config.HostPort;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.tcp.ConnectionSlots;
import dev.gapless.agent.input.tcp.IngestHandler;
import dev.gapless.agent.input.tcp.TcpInput;
import dev.gapless.agent.net.relp.RelpFrameDecoder;
import dev.gapless.agent.net.Tls;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog over TCP, RELP or UDP. Binds 127.0.0.1 unless configured otherwise. TCP: each connection gets its own
 * {@link SyslogFramer} (RFC 6587), {@link SyslogDecoder} and the TCP input's {@code IngestHandler} (back-pressure:
 * reading pauses while the journal refuses), admitted by the TCP input's {@code ConnectionSlots} at
 * {@code max_connections}. RELP: likewise admitted, each connection a {@link RelpFrameDecoder} and a
 * {@link RelpSession}, which answers each message once it is durable and sends {@code serverclose} on
 * {@link #close()}. TCP and RELP put TLS (RFC 5425) first in the pipeline when {@code tls} is set. UDP: one socket
 * and its {@link UdpIngestHandler} (no back-pressure: what the journal refuses is dropped and counted rejected); the
 * kernel's drops for the socket are read every
 * {@link #DROPS_EVERY_SECONDS} s into {@link InputStats#kernelDrops}.
 */
public final class SyslogInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(SyslogInput.class);
    /** The largest UDP payload (65,535 less the IPv4 and UDP headers, rounded up). */
    static final int MAX_DATAGRAM = 65_536;
    /** The receive buffer asked of the kernel for UDP (it caps it at net.core.rmem_max). */
    static final int UDP_RECEIVE_BUFFER = 4 << 20;
    static final int DROPS_EVERY_SECONDS = 5;

    private final SyslogInputConfig config;
    private final IngestPort port;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Clock clock;
    private final ZoneId zone;
    private final InputStats stats;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;
    // Built at start from the tls section; null: plain text.
    private SslContext tls;
    private UdpDrops drops;
    private ScheduledFuture<?> dropsPoll;

    public SyslogInput(SyslogInputConfig config, IngestPort port, EventLoopGroup boss, EventLoopGroup workers,
                       Clock clock) {
        this.config = config;
        this.port = port;
        this.boss = boss;
        this.workers = workers;
        this.clock = clock;
        this.zone = config.timezone().orElse(ZoneId.systemDefault());
        this.stats = new InputStats(config.id(), config.type());
    }

    private int maxLine() {
        return (int) config.maxLineBytes().bytes(); // bounded by the config's binding
    }

    private SyslogEvents events() {
        return new SyslogEvents(new SyslogParser(clock, zone));
    }

    @Override
    public void start() throws InterruptedException, IOException {
        if (config.tls().isPresent()) {
            tls = Tls.server(config.tls().get(), "input " + config.id());
        }
        ChannelFuture bound = switch (config.protocol()) {
            case TCP, RELP -> bindTcp();
            case UDP -> bindUdp();
        };
        bound.await();
        if (!bound.isSuccess()) {
            throw new IOException("input " + config.id() + ": cannot listen (" + config.protocol().wireName()
                    + ") on " + config.listen() + ": " + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        if (config.protocol() == SyslogInputConfig.Protocol.UDP) {
            drops = UdpDrops.ofPort(((InetSocketAddress) server.localAddress()).getPort());
            dropsPoll = server.eventLoop().scheduleAtFixedRate(this::pollDrops, 0, DROPS_EVERY_SECONDS,
                    TimeUnit.SECONDS);
        }
        log.info("input {} listening for syslog over {}{} on {}", config.id(), config.protocol().wireName(),
                tls == null ? "" : " with TLS", boundAddress());
    }

    private ChannelFuture bindTcp() {
        ConnectionSlots slots = new ConnectionSlots(config.id(), config.maxConnections(), config.idleTimeout(),
                stats, clock);
        ServerBootstrap b = TcpInput.serverBootstrap(boss, workers)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        slots.admit(ch).ifPresent(readStamp -> {
                            connections.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            if (config.protocol() == SyslogInputConfig.Protocol.RELP) {
                                ch.pipeline().addLast(readStamp, new RelpFrameDecoder(maxLine()),
                                        new RelpSession(port, stats, clock, events()));
                            } else {
                                ch.pipeline().addLast(readStamp, new SyslogFramer(maxLine()),
                                        new SyslogDecoder(events()), new IngestHandler(port, stats, clock));
                            }
                        });
                    }
                });
        return b.bind(config.listen().host(), config.listen().port());
    }

    private ChannelFuture bindUdp() {
        Bootstrap b = new Bootstrap().group(workers).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                // One buffer holds a whole datagram, one byte more than the longest kept: a longer one is cut
                // (by the kernel past the buffer) and known to be longer, so it is tagged truncated.
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Math.min(MAX_DATAGRAM, maxLine() + 1)))
                .handler(new UdpIngestHandler(port, stats, clock, maxLine(), events()));
        return b.bind(config.listen().host(), config.listen().port());
    }

    /** Reads the kernel's drop count for the UDP socket once (every few seconds on its loop; tests call it). */
    void pollDrops() {
        drops.read().ifPresent(v -> stats.kernelDrops = v);
    }

    /** The open TCP connections; tests look at their autoRead. */
    ChannelGroup connections() {
        return connections;
    }

    /** The listening channel: the server socket (TCP) or the datagram socket (UDP); tests pause its reading. */
    Channel channel() {
        return server;
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
        if (dropsPoll != null) {
            dropsPoll.cancel(false);
        }
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (config.protocol() == SyslogInputConfig.Protocol.RELP) {
            for (Channel ch : connections) {
                RelpSession session = ch.pipeline().get(RelpSession.class);
                if (session != null) {
                    session.shutdown(ch.pipeline().context(session));
                }
            }
            // each session closes itself once answered, at the latest after SERVERCLOSE_AFTER_MS
            connections.newCloseFuture().awaitUninterruptibly(RelpSession.SERVERCLOSE_AFTER_MS + 1_000);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
