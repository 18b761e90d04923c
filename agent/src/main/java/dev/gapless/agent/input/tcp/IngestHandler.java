package dev.gapless.agent.input.tcp;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Closed;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands one connection's lines to the {@link IngestPort}: each decoded {@link MessageBatch} (the lines of one socket
 * read) is offered as one batch, straight from the framer's array; the port tags and counts. Back-pressure: when the
 * port refuses a batch (journal full), or more than {@link #MAX_UNDURABLE_BYTES} of this connection's taken bytes
 * wait for their force, the connection stops reading (TCP pushes back on the sender) until the port says to retry,
 * or the force came. Lines of a connection that closes while the journal is still full are dropped, counted as
 * rejected by the port. The syslog input's TCP connections end in this handler too. Per-connection state: never
 * shared; every method runs on the connection's event loop.
 */
public final class IngestHandler extends ChannelInboundHandlerAdapter {

    /**
     * Reading pauses once this many message bytes of this connection were appended and wait for their force, and
     * resumes below half of it. At 256 B lines that is ~260,000 events, several forces' worth even when one force
     * is slow, so a single slow force does not stop reading; the bytes wait in the journal's mapped pages, not on
     * the heap. At the bound the sender is pushed back by TCP (its socket buffers fill); nothing is dropped.
     */
    static final long MAX_UNDURABLE_BYTES = 64L << 20;

    private final IngestPort port;
    private final InputStats stats;
    private final Clock clock;
    // Opened when the handler joins its connection's pipeline (the peer's address is known by then).
    private IngestPort.Sender sender;
    // Batches the port refused (full) and that wait for its retry signal, in order; reading is paused while any do.
    private final ArrayDeque<MessageBatch> held = new ArrayDeque<>();
    // The receive time the lines of one read loop share: one clock read per loop, not per line; -1 = take anew.
    private long readNanos = -1;
    private long undurableBytes;
    private boolean retryAwaited;

    public IngestHandler(IngestPort port, InputStats stats, Clock clock) {
        this.port = port;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sender = port.open(stats, String.valueOf(ctx.channel().remoteAddress()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MessageBatch batch = (MessageBatch) msg;
        if (readNanos < 0) {
            Instant now = clock.instant();
            readNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        batch.receivedAtNanos(readNanos);
        if (!held.isEmpty()) {
            held.add(batch.copy()); // the framer reuses its batch: keep a copy behind the ones waiting
            return;
        }
        if (!append(ctx, batch)) {
            held.add(batch.copy());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sender.close(); // this sender is gone: it no longer waits
        appendHeld(ctx); // appended if there is room now, else dropped (nobody left to back-pressure)
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readNanos = -1;
        ctx.fireChannelReadComplete();
    }

    /** Appends what waits for room, in order, until the port refuses one again. */
    private void appendHeld(ChannelHandlerContext ctx) {
        assert ctx.executor().inEventLoop() : "held batches belong to the connection's event loop";
        while (!held.isEmpty()) {
            if (!append(ctx, held.peek())) {
                return;
            }
            held.poll();
        }
    }

    /** @return false if the port refused it (reading paused until its retry signal); true if taken or dropped */
    private boolean append(ChannelHandlerContext ctx, MessageBatch batch) {
        if (!ctx.channel().isActive()) {
            sender.close(); // the last lines of a closed connection: taken if there is room, never a pause
        }
        Offer offer = sender.offer(batch);
        if (offer instanceof Closed) {
            // Shutting down: the sender was never acknowledged (TCP has no acks); drop the connection so it sees
            // the end, and hold nothing more.
            held.clear();
            ctx.close();
            return true;
        }
        if (offer instanceof Full full) {
            if (!ctx.channel().isActive()) {
                // The connection is gone while the journal is full: there is nobody left to back-pressure, and
                // holding its lines per closed connection would let reconnecting clients pile up memory. Drop
                // them: never acknowledged (TCP has no acks), counted as rejected. While a connection lives it
                // holds at most the reads that arrived after reading paused.
                int dropped = batch.size();
                for (MessageBatch h : held) {
                    dropped += h == batch ? 0 : h.size();
                }
                held.clear();
                sender.reject(dropped, "journal full (" + full.reason() + ") and the connection closed");
                return true;
            }
            ctx.channel().config().setAutoRead(false);
            awaitRetry(ctx, full);
            return false;
        }
        Taken taken = (Taken) offer;
        long bytes = batch.messageBytes();
        undurableBytes += bytes;
        if (undurableBytes > MAX_UNDURABLE_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
        taken.durable().whenComplete((v, err) -> {
            try {
                ctx.executor().execute(() -> durable(ctx, bytes));
            } catch (RejectedExecutionException shuttingDown) {
                // the event loop is gone, and the connection with it: nothing left to resume
            }
        });
        if (!ctx.channel().config().isAutoRead() && undurableBytes <= MAX_UNDURABLE_BYTES && held.isEmpty()
                && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
        return true;
    }

    private void durable(ChannelHandlerContext ctx, long bytes) {
        assert ctx.executor().inEventLoop() : "undurableBytes belongs to the connection's event loop";
        undurableBytes -= bytes;
        if (held.isEmpty() && undurableBytes <= MAX_UNDURABLE_BYTES / 2 && ctx.channel().isActive()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Offers the held batches again when the port says to, on this connection's loop. */
    private void awaitRetry(ChannelHandlerContext ctx, Full full) {
        if (retryAwaited) {
            return;
        }
        retryAwaited = true;
        full.retry().thenRun(() -> {
            Runnable again = () -> {
                retryAwaited = false;
                appendHeld(ctx);
            };
            if (ctx.executor().inEventLoop()) {
                again.run();
                return;
            }
            try {
                ctx.executor().execute(again);
            } catch (RejectedExecutionException shuttingDown) {
                // the event loop is gone, and the connection with it: nothing left to append
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        sender.reject(1, "connection failed: " + cause);
        ctx.close();
    }
}
