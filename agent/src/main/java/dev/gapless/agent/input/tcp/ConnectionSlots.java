package dev.gapless.agent.input.tcp;

import dev.gapless.agent.input.InputStats;
import dev.gapless.config.Durations;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections of one TCP input, and what a new one gets at {@code max_connections}: it evicts the
 * connection idle the longest if that one has sent nothing for {@code idle_timeout}, else it is refused. Below
 * the limit nothing is closed for being quiet: on plain TCP a close races the sender's next write, which would
 * be lost, so a quiet connection is closed only when it keeps a sender out. A connection whose reading is
 * paused (journal full) is never idle: its sender is waiting on us. Refusals and evictions are counted as they
 * happen and logged at most once per {@link #LOG_INTERVAL}, so a flood of connections cannot flood the log.
 *
 * <p>Accepts run on several event loops at once: {@link #admit}, the release on close and the log state are
 * guarded by this object's lock; a connection's last-read time is a volatile field written by its own loop.
 */
public final class ConnectionSlots {

    private static final Logger log = LoggerFactory.getLogger(ConnectionSlots.class);
    /** Refusals and evictions in between are summed into the next line, at most one line this often. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final String input;
    private final int maxConnections;
    private final long idleTimeoutMs;
    private final InputStats stats;
    private final Clock clock;
    /** The open connections, guarded by this. */
    private final Map<Channel, Slot> open = new LinkedHashMap<>();
    /** When the last line was logged, guarded by this; {@code Long.MIN_VALUE} before the first. */
    private long loggedAt = Long.MIN_VALUE;
    /** Refusals and evictions since that line, guarded by this. */
    private long refusedSinceLog;
    private long evictedSinceLog;

    public ConnectionSlots(String input, int maxConnections, Duration idleTimeout, InputStats stats, Clock clock) {
        this.input = input;
        this.maxConnections = maxConnections;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.stats = stats;
        this.clock = clock;
    }

    /** One admitted connection: when it last brought bytes. */
    static final class Slot {
        final Channel channel;
        /** Epoch ms of the last read; written by the connection's event loop, read by any accept. */
        volatile long lastReadAt;

        Slot(Channel channel, long now) {
            this.channel = channel;
            this.lastReadAt = now;
        }

        /** Idle since {@link #lastReadAt}, unless reading is paused: then it is the input that waits. */
        long idleMs(long now) {
            return channel.config().isAutoRead() ? now - lastReadAt : 0;
        }
    }

    /**
     * Admits {@code ch}, evicting the longest-idle connection at the limit if it has been idle for
     * {@code idle_timeout}; else refuses {@code ch} and closes it.
     *
     * @return the handler that keeps the connection's last-read time, or empty when refused
     */
    public Optional<ChannelInboundHandlerAdapter> admit(Channel ch) {
        long now = clock.millis();
        Slot evicted = null;
        synchronized (this) {
            if (open.size() >= maxConnections) {
                Slot idlest = null;
                for (Slot s : open.values()) {
                    if (idlest == null || s.idleMs(now) > idlest.idleMs(now)) {
                        idlest = s;
                    }
                }
                if (idlest == null || idlest.idleMs(now) < idleTimeoutMs) {
                    stats.connectionsRefused.increment();
                    refusedSinceLog++;
                    logAtMostEvery(now, ch, idlest == null ? 0 : idlest.idleMs(now));
                    ch.close();
                    return Optional.empty();
                }
                open.remove(idlest.channel);
                evicted = idlest;
                stats.connectionsEvicted.increment();
                evictedSinceLog++;
                logAtMostEvery(now, ch, idlest.idleMs(now));
            }
            Slot slot = new Slot(ch, now);
            open.put(ch, slot);
            ch.closeFuture().addListener(f -> release(ch));
            if (evicted != null) {
                evicted.channel.close();
            }
            return Optional.of(new ReadStamp(slot, clock));
        }
    }

    /** Open connections now. */
    synchronized int size() {
        return open.size();
    }

    private synchronized void release(Channel ch) {
        open.remove(ch);
    }

    private void logAtMostEvery(long now, Channel latest, long idlestMs) {
        if (loggedAt != Long.MIN_VALUE && now - loggedAt < LOG_INTERVAL.toMillis()) {
            return;
        }
        String since = loggedAt == Long.MIN_VALUE ? "since start" : "in the last " + ms(now - loggedAt);
        log.warn("input {}: at max_connections ({}): {} new connection(s) refused and {} idle one(s) evicted {}"
                        + " (idle_timeout {}); the latest from {}, the idlest open one idle {}",
                input, maxConnections, refusedSinceLog, evictedSinceLog, since, ms(idleTimeoutMs),
                latest.remoteAddress(), ms(idlestMs));
        loggedAt = now;
        refusedSinceLog = 0;
        evictedSinceLog = 0;
    }

    /** A duration for the log: whole seconds past one second ("310s", "5m"), since a line comes at most every 10 s. */
    private static String ms(long millis) {
        return Durations.format(millis < 1000 ? Duration.ofMillis(millis)
                : Duration.ofSeconds(Math.round(millis / 1e3)));
    }

    /** Stamps a connection's last read; first in its pipeline, so it sees the raw bytes. Per connection. */
    private static final class ReadStamp extends ChannelInboundHandlerAdapter {
        private final Slot slot;
        private final Clock clock;

        ReadStamp(Slot slot, Clock clock) {
            this.slot = slot;
            this.clock = clock;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            slot.lastReadAt = clock.millis();
            ctx.fireChannelRead(msg);
        }
    }
}
