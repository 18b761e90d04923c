package dev.gapless.agent.output.tcp;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import io.netty.bootstrap.Bootstrap;
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
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Newline-delimited batches over one kept-alive TCP connection. Unacknowledged: a batch counts as delivered
 * once written to the socket, so what sat in a dying peer's buffers can be lost. A write not flushed within
 * {@code write_timeout} (a peer that stopped reading) fails as a timeout and the connection is dropped: a
 * {@link WriteTimeoutHandler} next to the socket times each write, from when it enters the socket's queue until the
 * kernel took its last byte, so an idle connection between batches has no timer.
 */
public final class TcpSink implements Sink {

    private final TcpOutputConfig config;
    private final Duration writeTimeout;
    private final Bootstrap bootstrap;
    // The kept connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    /** A batch not written within {@code config.writeTimeout()} fails (retryable {@code TIMEOUT}). */
    public TcpSink(TcpOutputConfig config, EventLoopGroup group) {
        this.config = config;
        this.writeTimeout = config.writeTimeout();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteTimeoutHandler(writeTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                new Connection());
                    }
                });
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            ChannelFuture connect = bootstrap.connect(config.address().host(), config.address().port());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                            "connect to " + config.address() + " failed: " + f.cause(), null));
                    return;
                }
                channel = connect.channel();
                write(connect.channel(), batch, result);
            });
            return result;
        }
        write(ch, batch, result);
        return result;
    }

    /** Whether a connection is open now (the peer's close is seen when the event loop reads its end). */
    boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    private void write(Channel ch, EncodedBatch batch, CompletableFuture<Outcome> result) {
        ch.eventLoop().execute(() -> {
            assert ch.eventLoop().inEventLoop();
            Connection connection = ch.pipeline().get(Connection.class);
            if (connection != null) { // null: closed meanwhile and torn down, and the write below fails
                connection.writing = result;
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(batch.bytes(), 0, batch.length())).addListener(f -> {
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
     * One per connection: drops anything the peer sends, and fails the write in progress as a {@code TIMEOUT}
     * when the {@link WriteTimeoutHandler} in front of it gives up (before it closes the connection, which fails
     * the write's promise with a plain "closed").
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
            assert ctx.executor().inEventLoop();
            if (!(cause instanceof WriteTimeoutException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            CompletableFuture<Outcome> w = writing;
            writing = null;
            if (w != null) {
                w.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "write to " + config.address()
                        + " not done in " + writeTimeout.toMillis() + " ms", null));
            }
        }
    }

    @Override
    public String destination() {
        return "tcp://" + config.address();
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
