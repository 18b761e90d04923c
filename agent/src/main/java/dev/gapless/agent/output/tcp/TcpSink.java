package dev.gapless.agent.output.tcp;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Newline-delimited batches over one kept-alive TCP connection. Unacknowledged: a batch counts as delivered
 * once written to the socket, so what sat in a dying peer's buffers can be lost. A write not flushed within
 * {@code WRITE_TIMEOUT_SECONDS} (a peer that stopped reading) fails as a timeout and the connection is
 * dropped.
 */
public final class TcpSink implements Sink {

    /** A batch not written within this many seconds fails (retryable); the connection is closed. */
    static final long WRITE_TIMEOUT_SECONDS = 30;

    private final TcpOutputConfig config;
    private final Bootstrap bootstrap;
    // The kept connection; set by the connect listener on the event loop, read by the worker thread.
    private volatile Channel channel;

    public TcpSink(TcpOutputConfig config, EventLoopGroup group) {
        this.config = config;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(IgnoreInput.INSTANCE);
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
        var timeout = ch.eventLoop().schedule(() -> {
            if (result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT,
                    "write to " + config.address() + " not done in " + WRITE_TIMEOUT_SECONDS + "s", null))) {
                ch.close();
            }
        }, WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ch.writeAndFlush(Unpooled.wrappedBuffer(batch.bytes(), 0, batch.length()))
                .addListener(f -> {
                    timeout.cancel(false);
                    if (f.isSuccess()) {
                        result.complete(Outcome.DELIVERED);
                    } else {
                        ch.close();
                        result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                                "write to " + config.address() + " failed: " + f.cause(), null));
                    }
                });
    }

    /**
     * Drops anything the peer sends. Shared by every connection the bootstrap makes: a non-sharable handler
     * here would refuse to join a second pipeline, and the sink could never reconnect.
     */
    @ChannelHandler.Sharable
    private static final class IgnoreInput extends ChannelInboundHandlerAdapter {
        static final IgnoreInput INSTANCE = new IgnoreInput();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
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
