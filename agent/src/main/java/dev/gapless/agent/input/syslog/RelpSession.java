package dev.gapless.agent.input.syslog;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Closed;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.net.relp.RelpFrame;
import dev.gapless.agent.net.relp.RelpFrameEncoder;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one RELP session: answers {@code open} with its offers, parses each {@code syslog} frame into an
 * event (a frame that does not parse is kept raw, tagged), and answers {@code TXNR rsp 6 200 OK} only once the
 * journal's force covers that event, in the order the transactions came; answers any other command (one it does not
 * offer, such as {@code starttls}) {@code 500} in its turn, counted rejected, and goes on; answers {@code close} and
 * closes, and sends {@code serverclose} when the input shuts down. The syslog frames of one read are offered as one
 * batch.
 *
 * <p>The bounds, and what happens at each:
 * <ul>
 *   <li>Unanswered transactions: at {@link #MAX_PENDING} reading stops (the sender's window, 128 in rsyslog, is
 *       normally far below it, so this only bounds a sender that ignores its own), and resumes below half; TCP pushes
 *       back meanwhile, nothing is dropped. A read already under way still completes, so the count may pass the bound
 *       by one read's frames (a read is at most 256 KiB).</li>
 *   <li>Journal full: the batch is refused whole and held, reading stops until the port says to retry; nothing is
 *       answered for it until it is taken and durable. Journal closed: the connection closes, nothing answered.</li>
 *   <li>A protocol error (malformed frame, a transaction number out of 1..999,999,999 or not increasing, a command
 *       before {@code open}, a second {@code open}) is counted rejected and logged; the frames before it go on and
 *       are answered once durable, then the connection closes (at the latest after {@link #CLOSE_AFTER_ERROR_MS});
 *       the bad frame is never answered, so the sender sends it again on a new session.</li>
 *   <li>The connection ends: what is held and not yet taken is dropped and never answered (the sender sends it
 *       again); what was taken stays in the journal, and if it was not answered the sender sends it again too: at
 *       most its window of duplicates.</li>
 * </ul>
 * Per connection: never shared; every method runs on the connection's event loop.
 */
final class RelpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelpSession.class);
    /** Unanswered transactions held per connection before reading pauses. */
    static final int MAX_PENDING = 1024;
    /** After a protocol error, the answers of the frames before it wait at most this long before the close. */
    static final long CLOSE_AFTER_ERROR_MS = 5_000;
    /** On shutdown, answers that are almost durable wait at most this long before {@code serverclose}. */
    static final long SERVERCLOSE_AFTER_MS = 2_000;
    private static final int BATCH_BYTES = 64 * 1024;
    private static final byte[] OK = "200 OK".getBytes(StandardCharsets.US_ASCII);
    static final String SOFTWARE = "gapless";
    private static final byte[] OFFERS = ("200 OK\nrelp_version=0\nrelp_software=" + SOFTWARE + "\ncommands=syslog")
            .getBytes(StandardCharsets.US_ASCII);

    /** One transaction waiting for its answer; {@code answer} is null until it may be sent. */
    private static final class Pending {
        final long txnr;
        byte[] answer;
        boolean closeAfter;

        Pending(long txnr) {
            this.txnr = txnr;
        }
    }

    /** A batch the port refused, kept (copied) with its transactions until it is taken. */
    private record Held(MessageBatch batch, List<Pending> txns) {
    }

    private final IngestPort port;
    private final InputStats stats;
    private final Clock clock;
    private final SyslogEvents events;
    private IngestPort.Sender sender;
    // Every transaction not answered yet, in the order received: answers go out from its head only.
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    // The syslog frames of the current read, and their transactions.
    private final MessageBatch batch = new MessageBatch(BATCH_BYTES);
    private List<Pending> batchTxns = new ArrayList<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean retryAwaited;
    private boolean opened;
    private long lastTxnr;
    // No more frames are taken: a protocol error, a close command, or shutdown; the connection closes once answered.
    private boolean ending;
    private boolean shuttingDown;
    private boolean finished;

    RelpSession(IngestPort port, InputStats stats, Clock clock, SyslogEvents events) {
        this.port = port;
        this.stats = stats;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sender = port.openAcknowledging(stats, String.valueOf(ctx.channel().remoteAddress()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RelpFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (ending) {
            return; // after close, an error or serverclose: not answered, the sender sends it again
        }
        String error = check(frame);
        if (error != null) {
            protocolError(ctx, error);
            return;
        }
        lastTxnr = frame.txnr();
        Pending p = new Pending(frame.txnr());
        pending.add(p);
        switch (frame.command()) {
            case "open" -> {
                opened = true;
                p.answer = OFFERS;
            }
            case "syslog" -> {
                events.add(frame.data(), 0, frame.data().length, frame.truncated() ? Tags.TRUNCATED : 0, batch);
                batchTxns.add(p);
                if (batch.messageBytes() >= BATCH_BYTES) {
                    offerBatch(ctx);
                }
            }
            case "close" -> {
                offerBatch(ctx);
                p.answer = OK;
                p.closeAfter = true;
                ending = true;
            }
            default -> {
                // A well-framed command this server does not offer (starttls, a made-up one): RELP answers every
                // regular command with a rsp, so it gets 500 in its turn and the session goes on; its data is
                // never taken. (librelp drops the session instead; answering costs nothing and tells the sender why.)
                sender.reject(1, "RELP command '" + frame.command() + "' is not supported (answered 500)");
                p.answer = ("500 command " + frame.command() + " not supported").getBytes(StandardCharsets.US_ASCII);
            }
        }
        if (pending.size() >= MAX_PENDING) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Why this frame breaks the session, or null. */
    private String check(RelpFrame f) {
        if (f.txnr() < 1 || f.txnr() > RelpFrame.MAX_TXNR) {
            return "transaction number " + f.txnr() + " out of 1.." + RelpFrame.MAX_TXNR;
        }
        boolean wrapped = lastTxnr == RelpFrame.MAX_TXNR && f.txnr() == 1;
        if (opened && f.txnr() <= lastTxnr && !wrapped) {
            return "transaction number " + f.txnr() + " after " + lastTxnr + ": not increasing";
        }
        if (!opened && !f.command().equals("open")) {
            return "'" + f.command() + "' before open";
        }
        if (opened && f.command().equals("open")) {
            return "a second open";
        }
        if (f.command().equals("rsp") || f.command().equals("serverclose")) {
            return "'" + f.command() + "' from a client";
        }
        return null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        offerBatch(ctx);
        writeAnswers(ctx);
        ctx.fireChannelReadComplete();
    }

    /** Offers the syslog frames gathered so far as one batch (behind any held ones). */
    private void offerBatch(ChannelHandlerContext ctx) {
        if (batch.size() == 0) {
            return;
        }
        Instant now = clock.instant();
        batch.receivedAtNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        List<Pending> txns = batchTxns;
        batchTxns = new ArrayList<>();
        if (!held.isEmpty() || !offer(ctx, batch, txns)) {
            held.add(new Held(batch.copy(), txns));
        }
        batch.clear();
    }

    /** @return false if refused (journal full: reading paused until the retry signal); true if taken or closed */
    private boolean offer(ChannelHandlerContext ctx, MessageBatch b, List<Pending> txns) {
        Offer offer = sender.offer(b);
        if (offer instanceof Closed) {
            held.clear();
            ctx.close(); // shutting down: nothing answered, the sender sends it again
            return true;
        }
        if (offer instanceof Full full) {
            ctx.channel().config().setAutoRead(false);
            awaitRetry(ctx, full);
            return false;
        }
        ((Taken) offer).durable().whenComplete((v, err) -> onLoop(ctx, () -> {
            if (err != null) {
                ctx.close(); // the journal closed before the force: never answered, sent again
                return;
            }
            for (Pending p : txns) {
                p.answer = OK;
            }
            writeAnswers(ctx);
        }));
        return true;
    }

    private void awaitRetry(ChannelHandlerContext ctx, Full full) {
        if (retryAwaited) {
            return;
        }
        retryAwaited = true;
        full.retry().thenRun(() -> onLoop(ctx, () -> {
            retryAwaited = false;
            while (!held.isEmpty() && ctx.channel().isActive()) {
                Held h = held.peek();
                if (!offer(ctx, h.batch(), h.txns())) {
                    return;
                }
                held.poll();
            }
            resumeIfRoom(ctx);
        }));
    }

    /** Sends the answers that may go, in transaction order, and closes when the session is over. */
    private void writeAnswers(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().answer != null) {
            Pending p = pending.poll();
            ctx.write(RelpFrameEncoder.encode(ctx.alloc(), p.txnr, "rsp", p.answer));
            wrote = true;
            if (p.closeAfter) {
                pending.clear();
                ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        if (ending && pending.isEmpty()) {
            finish(ctx);
            return;
        }
        if (wrote) {
            ctx.flush();
        }
        resumeIfRoom(ctx);
    }

    private void resumeIfRoom(ChannelHandlerContext ctx) {
        if (!ending && held.isEmpty() && pending.size() < MAX_PENDING / 2 && ctx.channel().isActive()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The session is over and answered as far as it will be: serverclose on shutdown, then the close. */
    private void finish(ChannelHandlerContext ctx) {
        if (finished || !ctx.channel().isActive()) {
            return;
        }
        finished = true;
        if (shuttingDown) {
            ctx.write(RelpFrameEncoder.encode(ctx.alloc(), 0, "serverclose", new byte[0]));
        }
        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The input shuts down: reading stops, what was read is offered, the answers that become durable within
     * {@link #SERVERCLOSE_AFTER_MS} go out, then {@code 0 serverclose 0} and the close. Any thread.
     */
    void shutdown(ChannelHandlerContext ctx) {
        onLoop(ctx, () -> {
            if (shuttingDown || !ctx.channel().isActive()) {
                return;
            }
            shuttingDown = true;
            ending = true;
            ctx.channel().config().setAutoRead(false);
            offerBatch(ctx);
            writeAnswers(ctx);
            ctx.executor().schedule(() -> finish(ctx), SERVERCLOSE_AFTER_MS, TimeUnit.MILLISECONDS);
        });
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        sender.reject(1, "RELP session broken (" + why + "); closing it once the frames before are answered");
        ending = true;
        offerBatch(ctx);
        writeAnswers(ctx);
        ctx.executor().schedule(() -> ctx.close(), CLOSE_AFTER_ERROR_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedFrameException) {
            if (!ending) {
                protocolError(ctx, cause.getMessage());
            }
            return;
        }
        log.warn("input {}: RELP connection from {} failed: {}", stats.id, ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sender.close();
        int unanswered = pending.size();
        if (unanswered > 0) {
            log.info("input {}: RELP connection from {} closed with {} transaction(s) unanswered; the sender sends "
                    + "them again", stats.id, ctx.channel().remoteAddress(), unanswered);
        }
        held.clear(); // never taken, never answered: sent again
        pending.clear();
        ctx.fireChannelInactive();
    }

    private static void onLoop(ChannelHandlerContext ctx, Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
            return;
        }
        try {
            ctx.executor().execute(r);
        } catch (RejectedExecutionException shuttingDown) {
            // the event loop is gone, and the connection with it: nothing left to answer
        }
    }
}
