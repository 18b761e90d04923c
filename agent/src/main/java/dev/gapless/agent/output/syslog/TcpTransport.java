package dev.gapless.agent.output.syslog;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Octet-counted messages (RFC 6587 §3.4.1: {@code MSG-LEN SP SYSLOG-MSG}, no trailer) over one kept-alive TCP
 * connection, or TLS (RFC 5425, the same framing). Syslog over TCP has no application acknowledgement: a batch is
 * delivered once its bytes are written to the socket (through TLS: encrypted and written), so what the kernel or the
 * server held when the server died is lost, and a batch whose write failed is sent again whole (duplicates). A write
 * not done within {@code timeout} (a server that stopped reading) fails as a timeout and the connection is dropped;
 * the {@link WriteTimeoutHandler} times only writes, so an idle connection has no timer.
 */
final class TcpTransport implements Transport {

    private final SyslogOutputConfig config;
    private final Bootstrap bootstrap;
    // The kept connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    /** @throws IOException when the TLS files cannot be read */
    TcpTransport(SyslogOutputConfig config, EventLoopGroup group, String who) throws IOException {
        this.config = config;
        SslContext ssl = config.tls().isPresent() ? Tls.client(config.tls().get(), who) : null;
        long timeoutMs = config.timeout().toMillis();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.connectTimeout().toMillis(),
                        Integer.MAX_VALUE))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteTimeoutHandler(timeoutMs, TimeUnit.MILLISECONDS));
                        if (ssl != null) {
                            SslHandler h = Tls.clientHandler(ssl, config.tls().get(), ch.alloc(),
                                    config.address().host(), config.address().port());
                            h.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(new Connection());
                    }
                });
    }

    /** The batch's frames, {@code LEN SP MSG} each, as one buffer wrapping the messages. */
    static ByteBuf frames(byte[][] messages) {
        CompositeByteBuf out = Unpooled.compositeBuffer(messages.length * 2);
        for (byte[] m : messages) {
            out.addComponent(true, Unpooled.wrappedBuffer((m.length + " ").getBytes(StandardCharsets.US_ASCII)));
            out.addComponent(true, Unpooled.wrappedBuffer(m));
        }
        return out;
    }

    @Override
    public CompletionStage<Outcome> send(byte[][] messages, long[] seqs) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, messages, result);
            return result;
        }
        ChannelFuture connect = bootstrap.connect(config.address().host(), config.address().port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + config.address() + " failed: " + f.cause(), null));
                return;
            }
            channel = connect.channel();
            write(connect.channel(), messages, result);
        });
        return result;
    }

    private void write(Channel ch, byte[][] messages, CompletableFuture<Outcome> result) {
        ch.eventLoop().execute(() -> {
            Connection connection = ch.pipeline().get(Connection.class);
            if (connection != null) { // null: closed meanwhile and torn down, and the write below fails
                connection.writing = result;
            }
            ch.writeAndFlush(frames(messages)).addListener(f -> {
                if (connection != null && connection.writing == result) {
                    connection.writing = null;
                }
                if (f.isSuccess()) {
                    result.complete(Outcome.DELIVERED);
                } else {
                    ch.close();
                    // After a write timeout, a no-op: the connection completed the send as a timeout first.
                    result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                            "write to " + config.address() + " failed: " + f.cause(), null));
                }
            });
        });
    }

    /**
     * One per connection: drops anything the server sends (syslog servers send nothing), and fails the write in
     * progress as a {@code TIMEOUT} when the {@link WriteTimeoutHandler} gives up.
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
                w.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "write to " + config.address()
                        + " not done in " + config.timeout().toMillis() + " ms", null));
            }
            ctx.close(); // a TLS failure or a reset: the write in progress, if any, fails with it
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
