package dev.gapless.agent.output.syslog;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.net.relp.RelpFrame;
import dev.gapless.agent.net.relp.RelpFrameDecoder;
import dev.gapless.agent.net.relp.RelpFrameEncoder;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A RELP client: one kept session ({@code open} with {@code relp_version=0}, {@code relp_software},
 * {@code commands=syslog}), each message a {@code syslog} command with the next transaction number, at most
 * {@code window} unanswered at once (at the bound, the next waits for an answer). A batch is delivered once every
 * message of it was answered {@code rsp 200}. Any other answer ({@code 500}), a {@code serverclose}, a lost
 * connection, a malformed frame or no full answer within {@code timeout} ends the send retryable and drops the
 * session; the worker sends the batch again on a new session. Messages already answered 200 by an earlier attempt
 * at the same seqs are not sent again, so a resend repeats only what was sent and not answered (the server may have
 * kept it: a duplicate, never a loss).
 *
 * <p>All state is confined to one event loop of the group, on which every connection of this transport runs.
 */
final class RelpTransport implements Transport {

    /** The answers we read are short ({@code 200 OK} and the offers): a longer one is cut, and still parsed. */
    static final int MAX_ANSWER = 64 * 1024;
    static final String OFFERS = "relp_version=0\nrelp_software=gapless\ncommands=syslog";

    private final SyslogOutputConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    // Only the loop: the session in use (null before the first and after a lost one).
    private Session session;
    // Only the loop: seqs answered 200 by attempts whose send has not been delivered yet; bounded by the batch size,
    // since a send is retried until delivered and seqs below a new batch's first are forgotten.
    private final Set<Long> answered = new HashSet<>();

    /** @throws IOException when the TLS files cannot be read */
    RelpTransport(SyslogOutputConfig config, EventLoopGroup group, String who) throws IOException {
        this.config = config;
        this.loop = group.next();
        SslContext ssl = config.tls().isPresent() ? Tls.client(config.tls().get(), who) : null;
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.connectTimeout().toMillis(),
                        Integer.MAX_VALUE))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SslHandler h = Tls.clientHandler(ssl, config.tls().get(), ch.alloc(),
                                    config.address().host(), config.address().port());
                            h.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(new RelpFrameDecoder(MAX_ANSWER), RelpFrameEncoder.INSTANCE,
                                new Session());
                    }
                });
    }

    @Override
    public CompletionStage<Outcome> send(byte[][] messages, long[] seqs) {
        Batch b = new Batch(messages, seqs, new CompletableFuture<>());
        try {
            loop.execute(() -> start(b));
        } catch (RuntimeException e) { // the loops are shutting down
            b.result.complete(new Outcome.Retryable(Outcome.ErrorKind.INTERNAL, "relp send failed: " + e, null));
        }
        return b.result;
    }

    private void start(Batch b) {
        long first = b.seqs[0];
        answered.removeIf(s -> s < first);
        int n = 0;
        for (int i = 0; i < b.seqs.length; i++) {
            if (!answered.contains(b.seqs[i])) {
                b.pending[n++] = i;
            }
        }
        b.count = n;
        if (n == 0) {
            b.complete(Outcome.DELIVERED);
            answered.clear();
            return;
        }
        b.timer = loop.schedule(() -> {
            if (b.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "RELP server " + config.address()
                    + " answered " + b.done + " of " + b.count + " messages within " + config.timeout().toMillis()
                    + " ms", null))) {
                drop();
            }
        }, config.connectTimeout().plus(config.timeout()).toMillis(), TimeUnit.MILLISECONDS);
        Session s = session;
        if (s != null && s.ready && s.ctx.channel().isActive()) {
            s.begin(b);
            return;
        }
        drop();
        ChannelFuture connect = bootstrap.connect(config.address().host(), config.address().port());
        Channel ch = connect.channel();
        ScheduledFuture<?> openTimer = loop.schedule(() -> {
            Session opening = ch.pipeline().get(Session.class);
            if (opening == null || !opening.ready) {
                b.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "RELP session with " + config.address()
                        + " not open within " + config.connectTimeout().toMillis() + " ms", null));
                ch.close();
            }
        }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                openTimer.cancel(false);
                b.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connect to " + config.address() + " failed: " + f.cause(), null));
                return;
            }
            Session opened = ch.pipeline().get(Session.class);
            if (opened == null) { // closed already
                b.complete(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                        "connection to " + config.address() + " closed at once", null));
                return;
            }
            session = opened;
            opened.open(b, openTimer);
        });
    }

    /** Drops the session in use, if any: what it had outstanding fails with it. */
    private void drop() {
        Session s = session;
        session = null;
        if (s != null) {
            s.ctx.close();
        }
    }

    /** One send's messages and how far they are. Only the loop. */
    private final class Batch {
        final byte[][] messages;
        final long[] seqs;
        final CompletableFuture<Outcome> result;
        /** Indexes of the messages to send (those not answered by an earlier attempt), {@code count} of them. */
        final int[] pending;
        int count;
        /** Pending messages sent, and answered 200. */
        int sent;
        int done;
        ScheduledFuture<?> timer;

        Batch(byte[][] messages, long[] seqs, CompletableFuture<Outcome> result) {
            this.messages = messages;
            this.seqs = seqs;
            this.result = result;
            this.pending = new int[seqs.length];
        }

        boolean complete(Outcome o) {
            if (!result.complete(o)) {
                return false;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            return true;
        }
    }

    /** One RELP session: a connection's state. Only the loop. */
    private final class Session extends SimpleChannelInboundHandler<RelpFrame> {
        ChannelHandlerContext ctx;
        boolean ready;
        boolean closing;
        long lastTxnr;
        /** The batch in progress, or the one waiting for the session to open; null between batches. */
        Batch batch;
        /** The syslog commands sent and not answered: txnr to the message's index, oldest first. */
        final Map<Long, Integer> outstanding = new LinkedHashMap<>();
        ScheduledFuture<?> openTimer;

        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            this.ctx = c;
        }

        long nextTxnr() {
            lastTxnr = lastTxnr == RelpFrame.MAX_TXNR ? 1 : lastTxnr + 1;
            return lastTxnr;
        }

        void open(Batch b, ScheduledFuture<?> timer) {
            batch = b;
            openTimer = timer;
            write(new RelpFrame(nextTxnr(), "open", OFFERS.getBytes(StandardCharsets.US_ASCII), false));
            ctx.flush();
        }

        void begin(Batch b) {
            batch = b;
            outstanding.clear();
            pump();
        }

        /** Sends pending messages while fewer than {@code window} are unanswered. */
        private void pump() {
            Batch b = batch;
            boolean wrote = false;
            while (outstanding.size() < config.window() && b.sent < b.count) {
                int i = b.pending[b.sent++];
                long txnr = nextTxnr();
                outstanding.put(txnr, i);
                write(new RelpFrame(txnr, "syslog", b.messages[i], false));
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        private void write(RelpFrame f) {
            ctx.write(f).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext c, RelpFrame f) {
            if (f.command().equals("serverclose")) {
                fail(Outcome.ErrorKind.UNREACHABLE, "RELP server " + config.address() + " closed the session "
                        + "(serverclose)");
                return;
            }
            if (!f.command().equals("rsp")) {
                fail(Outcome.ErrorKind.REFUSED, "RELP server " + config.address() + " sent '" + f.command()
                        + "', not an answer");
                return;
            }
            String text = f.text();
            boolean ok = text.startsWith("200");
            if (closing) {
                c.close();
                return;
            }
            if (!ready) {
                openAnswered(f, text, ok);
                return;
            }
            Integer i = outstanding.remove(f.txnr());
            Batch b = batch;
            if (i == null || b == null) {
                fail(Outcome.ErrorKind.REFUSED, "RELP server " + config.address() + " answered txnr " + f.txnr()
                        + ", which has no command outstanding");
                return;
            }
            if (!ok) {
                fail(Outcome.ErrorKind.REFUSED, "RELP server " + config.address() + " answered seq " + b.seqs[i]
                        + " (txnr " + f.txnr() + ") with '" + firstLine(text) + "'");
                return;
            }
            answered.add(b.seqs[i]);
            b.done++;
            if (b.done == b.count) {
                batch = null;
                b.complete(Outcome.DELIVERED);
                answered.clear();
            } else {
                pump();
            }
        }

        private void openAnswered(RelpFrame f, String text, boolean ok) {
            Batch b = batch;
            if (f.txnr() != 1 || !ok) {
                fail(Outcome.ErrorKind.REFUSED, "RELP server " + config.address() + " refused the session: '"
                        + firstLine(text) + "'");
                return;
            }
            if (!offersSyslog(text)) {
                fail(Outcome.ErrorKind.REFUSED, "RELP server " + config.address() + " does not offer the syslog "
                        + "command: '" + text.replace('\n', ' ') + "'");
                return;
            }
            ready = true;
            openTimer.cancel(false);
            if (b != null && !b.result.isDone()) {
                begin(b);
            } else {
                batch = null;
            }
        }

        /** Fails the batch in progress (or opening) and closes the session. */
        private void fail(Outcome.ErrorKind kind, String why) {
            Batch b = batch;
            batch = null;
            if (b != null) {
                b.complete(new Outcome.Retryable(kind, why, null));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (session == this) {
                session = null;
            }
            Batch b = batch;
            if (b != null) {
                fail(Outcome.ErrorKind.UNREACHABLE, "connection to RELP server " + config.address() + " lost with "
                        + (ready ? (b.count - b.done) + " of " + b.count + " messages unanswered" : "the session "
                        + "not open"));
            }
            c.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            fail(Outcome.ErrorKind.UNREACHABLE, "RELP session with " + config.address() + " failed: " + cause);
        }
    }

    /** Whether the open's answer lists {@code syslog} among its {@code commands}. */
    static boolean offersSyslog(String answer) {
        for (String line : answer.split("\n")) {
            if (line.startsWith("commands=")) {
                for (String c : line.substring("commands=".length()).split(",")) {
                    if (c.trim().equals("syslog")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** Ends the session with {@code close} (answered, or at most 2 s), then the connection. */
    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                Session s = session;
                session = null;
                if (s == null || !s.ctx.channel().isActive()) {
                    closed.complete(null);
                    return;
                }
                s.ctx.channel().closeFuture().addListener(f -> closed.complete(null));
                if (s.ready && s.batch == null) {
                    s.closing = true;
                    s.ctx.writeAndFlush(new RelpFrame(s.nextTxnr(), "close", new byte[0], false));
                    loop.schedule(() -> s.ctx.close(), 2, TimeUnit.SECONDS);
                } else {
                    s.ctx.close();
                }
            });
            closed.get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loops are shutting down, or the server did not close: nothing is outstanding either way
        }
    }
}
