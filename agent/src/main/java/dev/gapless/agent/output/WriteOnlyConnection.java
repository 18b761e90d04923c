package dev.gapless.agent.output;

import dev.gapless.agent.net.Tls;
import dev.gapless.config.HostPort;
import dev.gapless.config.tls.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One kept-alive connection to a peer that answers nothing (plain TCP, syslog over TCP or TLS), for one sink: it
 * connects when no connection is open and writes each send's bytes whole. A send is delivered once its bytes are
 * written to the socket (through TLS: encrypted and written), so what the kernel or the peer held when the peer died
 * is lost, and a send whose write failed is sent again whole by the worker (duplicates). A write not done within
 * {@code writeTimeout} (a peer that stopped reading) fails as a {@code TIMEOUT} and the connection is dropped: a
 * {@link WriteTimeoutHandler} next to the socket times each write, from when it enters the socket's queue until the
 * kernel took its last byte, so an idle connection between sends has no timer. Anything the peer sends is dropped.
 */
public final class WriteOnlyConnection {

    private final HostPort address;
    private final Duration writeTimeout;
    private final Bootstrap bootstrap;
    // The kept connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    /**
     * @param ssl TLS to the peer, or null for plain TCP; {@code tls} then names the server ({@code server_name})
     */
    public WriteOnlyConnection(EventLoopGroup group, HostPort address, Duration connectTimeout, Duration writeTimeout,
            SslContext ssl, ClientTls tls) {
        this.address = address;
        this.writeTimeout = writeTimeout;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(connectTimeout.toMillis(),
                        Integer.MAX_VALUE))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteTimeoutHandler(writeTimeout.toMillis(), TimeUnit.MILLISECONDS));
                        if (ssl != null) {
                            SslHandler h = Tls.clientHandler(ssl, tls, ch.alloc(), address.host(), address.port());
                            h.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(new Connection());
                    }
                });
    }

    /** Writes {@code bytes} (released in every case) on the kept connection, connecting first if none is open. */
    public CompletionStage<Outcome> write(ByteBuf bytes) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, bytes, result);
            return result;
        }
        ChannelFuture connect = bootstrap.connect(address.host(), address.port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(bytes);
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + address + " failed: " + f.cause(), null));
                return;
            }
            channel = connect.channel();
            write(connect.channel(), bytes, result);
        });
        return result;
    }

    /** Whether a connection is open now (the peer's close is seen when the event loop reads its end). */
    public boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    private void write(Channel ch, ByteBuf bytes, CompletableFuture<Outcome> result) {
        ch.eventLoop().execute(() -> {
            Connection connection = ch.pipeline().get(Connection.class);
            if (connection != null) { // null: closed meanwhile and torn down, and the write below fails
                connection.writing = result;
            }
            ch.writeAndFlush(bytes).addListener(f -> {
                if (connection != null && connection.writing == result) {
                    connection.writing = null;
                }
                if (f.isSuccess()) {
                    result.complete(Outcome.DELIVERED);
                } else {
                    ch.close();
                    // After a write timeout, a no-op: the connection completed the send as a timeout first.
                    result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                            "write to " + address + " failed: " + f.cause(), null));
                }
            });
        });
    }

    /** Closes the connection, waiting for it up to 2 s. */
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * One per connection: drops anything the peer sends, fails the write in progress as a {@code TIMEOUT} when the
     * {@link WriteTimeoutHandler} gives up (before the close would fail it with a plain "closed"), and closes the
     * connection on any failure (a reset, a TLS error), which fails the write in progress with it.
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        // The send whose write is in progress on this connection, or null; only the connection's event loop.
        CompletableFuture<Outcome> writing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Outcome> w = writing;
            writing = null;
            if (w != null && cause instanceof WriteTimeoutException) {
                w.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "write to " + address
                        + " not done in " + writeTimeout.toMillis() + " ms", null));
            }
            ctx.close();
        }
    }
}
