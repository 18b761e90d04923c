package dev.gapless.agent.input.tcp;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.internal.Utf8;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one connection's lines into events and appends them to the journal once per read. Back-pressure:
 * when the journal is full, or more than {@link #MAX_UNDURABLE_EVENTS} of this connection's events wait for
 * their force, the connection stops reading (TCP pushes back on the sender) until there is room again. Lines of a
 * connection that closes while the journal is still full are dropped, counted as rejected.
 * Per-connection state: never shared; every method runs on the connection's event loop.
 */
final class IngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    /** Reading pauses while this many appended events wait to become durable; resumes below half. */
    static final int MAX_UNDURABLE_EVENTS = 200_000;
    /**
     * A batch is appended once it holds this many message bytes, even within one read loop: a batch bigger
     * than the journal's free room could never be taken whole. At the bound the lines go in several appends.
     */
    static final long MAX_BATCH_BYTES = 256 * 1024;
    /** While the journal is full, the append is retried this often (until it takes the batch or closes). */
    static final long FULL_RETRY_MS = 50;

    private final String source;
    private final Journal journal;
    private final InputStats stats;
    private final Clock clock;
    private List<Event> batch = new ArrayList<>();
    // Message bytes in batch, and the receive time its lines share (one clock read per socket read, not per line).
    private long batchBytes;
    private long batchNanos;
    private int undurable;
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
        Line line = (Line) msg;
        byte[] b = line.bytes();
        int tags = 0;
        if (line.truncated()) {
            tags |= Tags.TRUNCATED;
            stats.truncated.increment();
        }
        if (!Utf8.isValid(b, 0, b.length)) {
            tags |= Tags.INVALID_UTF8;
            stats.invalidUtf8.increment();
        }
        if (batch.isEmpty()) {
            Instant now = clock.instant();
            batchNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        batchBytes += b.length;
        batch.add(Event.line(source, -1, batchNanos, b, tags));
        if (batchBytes >= MAX_BATCH_BYTES) {
            flush(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flush(ctx); // lines framed at close (a last line without newline) still go in
        ctx.fireChannelInactive();
    }

    private void flush(ChannelHandlerContext ctx) {
        if (batch.isEmpty()) {
            return;
        }
        AppendResult r = journal.append(batch);
        if (!r.appended()) {
            if (r.status() == AppendResult.Status.CLOSED) {
                // Shutting down: the sender was never acknowledged (TCP has no acks); drop the connection so
                // it sees the end, and hold nothing more.
                batch.clear();
                batchBytes = 0;
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                // The connection is gone while the journal is full: there is nobody left to back-pressure, and
                // holding its lines (and a retry timer) per closed connection would let reconnecting clients pile
                // up memory. Drop them: never acknowledged (TCP has no acks), counted as rejected. At most one
                // batch (MAX_BATCH_BYTES plus a line) per connection is held while it lives.
                stats.rejected.add(batch.size());
                log.warn("input {}: journal full ({}); dropping {} line(s) of the closed connection {}, never "
                        + "acknowledged", source, r.status(), batch.size(), ctx.channel().remoteAddress());
                batch = new ArrayList<>();
                batchBytes = 0;
                return;
            }
            if (!blockedByFull) {
                blockedByFull = true;
                stats.blocked.increment();
                log.warn("input {}: journal full ({}), pausing {}", source, r.status(), ctx.channel().remoteAddress());
            }
            ctx.channel().config().setAutoRead(false);
            scheduleRetry(ctx);
            return;
        }
        if (blockedByFull) {
            blockedByFull = false;
            log.warn("input {}: journal has room again, resuming {}", source, ctx.channel().remoteAddress());
        }
        int n = batch.size();
        long acceptedBytes = batchBytes;
        batch = new ArrayList<>(Math.max(16, n));
        batchBytes = 0;
        undurable += n;
        if (undurable > MAX_UNDURABLE_EVENTS) {
            ctx.channel().config().setAutoRead(false);
        }
        journal.whenDurable(r.lastSeq()).whenComplete((v, err) -> {
            if (err == null) {
                stats.accepted.add(n); // counters are thread-safe: count at once, not after a hop
                stats.bytes.add(acceptedBytes);
                stats.lastEventAt = clock.millis();
            }
            try {
                ctx.executor().execute(() -> durable(ctx, n));
            } catch (RejectedExecutionException shuttingDown) {
                // the event loop is gone, and the connection with it: nothing left to resume
            }
        });
        if (!ctx.channel().config().isAutoRead() && undurable <= MAX_UNDURABLE_EVENTS) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void durable(ChannelHandlerContext ctx, int n) {
        undurable -= n;
        if (!blockedByFull && undurable <= MAX_UNDURABLE_EVENTS / 2 && ctx.channel().isActive()
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
            flush(ctx);
        }, FULL_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.rejected.increment();
        log.warn("input {}: connection {} failed: {}", source, ctx.channel().remoteAddress(), cause.toString());
        flush(ctx);
        ctx.close();
    }
}
