package dev.gapless.agent.output.syslog;

import dev.gapless.agent.net.relp.RelpFrame;
import dev.gapless.agent.net.relp.RelpFrameDecoder;
import dev.gapless.agent.net.relp.RelpFrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RELP server as RELP documents it (and librelp behaves), with its failures on demand: answers {@code open} with
 * {@code 200 OK} and its offers (only after {@code relp_version} was offered), each {@code syslog} command with
 * {@code rsp 200} in order, {@code close} with {@code rsp 200} and the end of the connection; refuses a transaction
 * number that does not follow the last one, or a command before {@code open}, with {@code 500} and closes. On
 * demand: holds answers until {@code holdUntil} commands are unanswered, refuses with {@code 500} a command arriving
 * when {@code limit} are unanswered (its window), answers the n-th command {@code 500} once, sends
 * {@code serverclose} instead of answering the n-th, resets the connection (RST) on the n-th, or never answers.
 * Knobs are set before the client connects; what it saw is read by the test thread.
 */
final class RelpTestServer implements AutoCloseable {

    /** Every syslog command's data, as received (a resend appears again). */
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<String> protocolErrors = new CopyOnWriteArrayList<>();
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger maxUnanswered = new AtomicInteger();

    volatile int holdUntil = 1;
    volatile int limit = Integer.MAX_VALUE;
    volatile int refuseOnce = -1;
    volatile int serverCloseOnce = -1;
    volatile int resetOnce = -1;
    volatile boolean silent;
    volatile String openAnswer = "200 OK\nrelp_version=0\nrelp_software=gapless-test\ncommands=syslog";

    private final AtomicInteger syslogCount = new AtomicInteger();
    private final Channel listener;

    RelpTestServer(EventLoopGroup group) {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new RelpFrameDecoder(1 << 20), RelpFrameEncoder.INSTANCE,
                                new Session());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    private final class Session extends SimpleChannelInboundHandler<RelpFrame> {
        boolean open;
        long lastTxnr;
        final List<Long> unanswered = new ArrayList<>();
        // serverclose sent: what the client still sends is read and dropped until it closes its end
        boolean closing;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sessions.incrementAndGet();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RelpFrame f) {
            if (closing) {
                return;
            }
            commands.add(f.command());
            if (f.txnr() != lastTxnr + 1) {
                refuse(ctx, f, "txnr " + f.txnr() + " after " + lastTxnr);
                return;
            }
            lastTxnr = f.txnr();
            switch (f.command()) {
                case "open" -> {
                    if (open || !f.text().contains("relp_version=")) {
                        refuse(ctx, f, "open without relp_version, or twice");
                        return;
                    }
                    open = true;
                    answer(ctx, f.txnr(), openAnswer);
                    ctx.flush();
                }
                case "syslog" -> syslog(ctx, f);
                case "close" -> {
                    answer(ctx, f.txnr(), "200 OK");
                    ctx.flush();
                    ctx.close();
                }
                default -> refuse(ctx, f, "unknown command " + f.command());
            }
        }

        private void syslog(ChannelHandlerContext ctx, RelpFrame f) {
            if (!open) {
                refuse(ctx, f, "syslog before open");
                return;
            }
            int n = syslogCount.incrementAndGet();
            if (n == resetOnce) {
                resetOnce = -1;
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close(); // RST: what was unanswered stays unanswered
                return;
            }
            if (n == serverCloseOnce) {
                serverCloseOnce = -1;
                answer(ctx, 0, "serverclose", "");
                ctx.flush();
                // Our end only: a close with the client's frames unread would reset the connection, and the reset
                // could discard the serverclose before the client reads it. The client closes on it; then so do we.
                closing = true;
                ((SocketChannel) ctx.channel()).shutdownOutput();
                return;
            }
            if (unanswered.size() >= limit) {
                answer(ctx, f.txnr(), "500 window exceeded: " + unanswered.size() + " unanswered");
                ctx.flush();
                return;
            }
            if (n == refuseOnce) {
                refuseOnce = -1;
                flushAnswers(ctx);
                answer(ctx, f.txnr(), "500 not now");
                ctx.flush();
                return;
            }
            received.add(new String(f.data(), StandardCharsets.UTF_8));
            unanswered.add(f.txnr());
            maxUnanswered.accumulateAndGet(unanswered.size(), Math::max);
            if (!silent && unanswered.size() >= holdUntil) {
                flushAnswers(ctx);
            }
        }

        private void flushAnswers(ChannelHandlerContext ctx) {
            for (long t : unanswered) {
                answer(ctx, t, "200 OK");
            }
            unanswered.clear();
            ctx.flush();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // a window not full when the client stops sending: answer what is held rather than stall
            if (!silent && !unanswered.isEmpty() && holdUntil > 1) {
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive()) {
                        flushAnswers(ctx);
                    }
                }, 50, TimeUnit.MILLISECONDS);
            }
        }

        private void refuse(ChannelHandlerContext ctx, RelpFrame f, String why) {
            protocolErrors.add(why);
            answer(ctx, f.txnr(), "500 " + why);
            ctx.flush();
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            protocolErrors.add(cause.toString());
            ctx.close();
        }
    }

    private static void answer(ChannelHandlerContext ctx, long txnr, String text) {
        answer(ctx, txnr, "rsp", text);
    }

    private static void answer(ChannelHandlerContext ctx, long txnr, String command, String text) {
        ctx.write(new RelpFrame(txnr, command, text.getBytes(StandardCharsets.UTF_8), false));
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }
}
