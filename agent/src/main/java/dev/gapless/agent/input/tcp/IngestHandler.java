package dev.gapless.agent.input.tcp;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.InputStats;
import dev.gapless.contract.Utf8;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one connection's lines into events: each decoded {@link MessageBatch} (the lines of one socket read) is
 * appended to the journal as one batch, straight from the framer's array. Back-pressure: when the journal is full,
 * or more than {@link #MAX_UNDURABLE_BYTES} of this connection's appended bytes wait for their force, the
 * connection stops reading (TCP pushes back on the sender) until there is room again. Lines of a connection that
 * closes while the journal is still full are dropped, counted as rejected. Per-connection state: never shared;
 * every method runs on the connection's event loop.
 */
final class IngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    /**
     * Reading pauses once this many message bytes of this connection were appended and wait for their force, and
     * resumes below half of it. At 256 B lines that is ~260,000 events, several forces' worth even when one force
     * is slow, so a single slow force does not stop reading; the bytes wait in the journal's mapped pages, not on
     * the heap. At the bound the sender is pushed back by TCP (its socket buffers fill); nothing is dropped.
     */
    static final long MAX_UNDURABLE_BYTES = 64L << 20;
    /** While the journal is full, the append is retried this often (until it takes the batch or closes). */
    static final long FULL_RETRY_MS = 50;

    private final String source;
    private final Journal journal;
    private final InputStats stats;
    private final Clock clock;
    // Batches the journal refused (full) and that wait for room, in order; reading is paused while any waits.
    private final ArrayDeque<MessageBatch> held = new ArrayDeque<>();
    // The receive time the lines of one read loop share: one clock read per loop, not per line; -1 = take anew.
    private long readNanos = -1;
    private long undurableBytes;
    private boolean retryScheduled;
    private boolean blockedByFull;

    IngestHandler(String source, Journal journal, InputStats stats, Clock clock) {
        this.source = source;
        this.journal = journal;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MessageBatch batch = (MessageBatch) msg;
        byte[] b = batch.array();
        for (int i = 0; i < batch.size(); i++) {
            if ((batch.tags(i) & Tags.TRUNCATED) != 0) {
                stats.truncated.increment();
            }
            if (Utf8.firstInvalid(b, batch.offset(i), batch.length(i)) >= 0) {
                batch.addTags(i, Tags.INVALID_UTF8);
                stats.invalidUtf8.increment();
            }
        }
        if (readNanos < 0) {
            Instant now = clock.instant();
            readNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        batch.source(source);
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
        appendHeld(ctx); // appended if there is room now, else dropped (nobody left to back-pressure)
        if (blockedByFull) {
            blockedByFull = false; // this sender is gone: it no longer waits
            stats.paused.resume();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readNanos = -1;
        ctx.fireChannelReadComplete();
    }

    /** Appends what waits for room, in order, until the journal refuses one again. */
    private void appendHeld(ChannelHandlerContext ctx) {
        assert ctx.executor().inEventLoop() : "held batches belong to the connection's event loop";
        while (!held.isEmpty()) {
            if (!append(ctx, held.peek())) {
                return;
            }
            held.poll();
        }
    }

    /** @return false if the journal is full (reading paused, a retry scheduled); true if taken or dropped */
    private boolean append(ChannelHandlerContext ctx, MessageBatch batch) {
        AppendResult r = journal.append(batch);
        if (!r.appended()) {
            if (r.status() == AppendResult.Status.CLOSED) {
                // Shutting down: the sender was never acknowledged (TCP has no acks); drop the connection so
                // it sees the end, and hold nothing more.
                held.clear();
                ctx.close();
                return true;
            }
            if (!ctx.channel().isActive()) {
                // The connection is gone while the journal is full: there is nobody left to back-pressure, and
                // holding its lines (and a retry timer) per closed connection would let reconnecting clients pile
                // up memory. Drop them: never acknowledged (TCP has no acks), counted as rejected. While a
                // connection lives it holds at most the reads that arrived after reading paused.
                int dropped = batch.size();
                for (MessageBatch h : held) {
                    dropped += h == batch ? 0 : h.size();
                }
                held.clear();
                stats.rejected.add(dropped);
                log.warn("input {}: journal full ({}); dropping {} line(s) of the closed connection {}, never "
                        + "acknowledged", source, r.status(), dropped, ctx.channel().remoteAddress());
                return true;
            }
            if (!blockedByFull) {
                blockedByFull = true;
                stats.blocked.increment();
                stats.paused.pause(clock.millis());
                log.warn("input {}: journal full ({}), pausing {}", source, r.status(), ctx.channel().remoteAddress());
            }
            ctx.channel().config().setAutoRead(false);
            scheduleRetry(ctx);
            return false;
        }
        if (blockedByFull) {
            blockedByFull = false;
            stats.paused.resume();
            log.warn("input {}: journal has room again, resuming {}", source, ctx.channel().remoteAddress());
        }
        int n = batch.size();
        long bytes = batch.messageBytes();
        undurableBytes += bytes;
        if (undurableBytes > MAX_UNDURABLE_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
        journal.whenDurable(r.lastSeq()).whenComplete((v, err) -> {
            if (err == null) {
                stats.accepted.add(n); // counters are thread-safe: count at once, not after a hop
                stats.bytes.add(bytes);
                stats.lastEventAt = clock.millis();
            }
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
        if (!blockedByFull && held.isEmpty() && undurableBytes <= MAX_UNDURABLE_BYTES / 2 && ctx.channel().isActive()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void scheduleRetry(ChannelHandlerContext ctx) {
        if (retryScheduled) {
            return;
        }
        retryScheduled = true;
        ctx.executor().schedule(() -> {
            retryScheduled = false;
            appendHeld(ctx);
        }, FULL_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.rejected.increment();
        log.warn("input {}: connection {} failed: {}", source, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
