package dev.gapless.agent.output.syslog;

import dev.gapless.agent.output.Outcome;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One datagram per message (RFC 5426) from one unconnected socket. Fire and forget: a batch is delivered once every
 * datagram was handed to the kernel; whether any arrives nobody can tell (no answer exists, and the watchdog has no
 * probe for it). A send that the kernel refuses (no route, buffer full) is retried. Each send is bounded by
 * {@code timeout}.
 */
final class UdpTransport implements Transport {

    private final SyslogOutputConfig config;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    // The socket; bound on first use, on the worker thread; closed and replaced after a failure.
    private volatile Channel channel;

    UdpTransport(SyslogOutputConfig config, EventLoopGroup group) {
        this.config = config;
        this.group = group;
        this.bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // nothing answers syslog datagrams
                    }
                });
    }

    @Override
    public CompletionStage<Outcome> send(byte[][] messages, long[] seqs) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, messages, result);
            return result;
        }
        ChannelFuture bind = bootstrap.bind(0);
        bind.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "cannot open a UDP socket: " + f.cause(), null));
                return;
            }
            channel = bind.channel();
            write(bind.channel(), messages, result);
        });
        return result;
    }

    private void write(Channel ch, byte[][] messages, CompletableFuture<Outcome> result) {
        InetSocketAddress to = new InetSocketAddress(config.address().host(), config.address().port());
        if (to.isUnresolved()) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                    "cannot resolve " + config.address().host(), null));
            return;
        }
        var timer = group.schedule(() -> {
            if (result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "datagrams to " + config.address()
                    + " not sent in " + config.timeout().toMillis() + " ms", null))) {
                ch.close();
            }
        }, config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        AtomicInteger left = new AtomicInteger(messages.length);
        ch.eventLoop().execute(() -> {
            for (byte[] m : messages) {
                ch.write(new DatagramPacket(Unpooled.wrappedBuffer(m), to)).addListener(f -> {
                    if (!f.isSuccess()) {
                        if (result.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                                "datagram to " + config.address() + " refused: " + f.cause(), null))) {
                            timer.cancel(false);
                            ch.close();
                        }
                    } else if (left.decrementAndGet() == 0 && result.complete(Outcome.DELIVERED)) {
                        timer.cancel(false);
                    }
                });
            }
            ch.flush();
        });
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
