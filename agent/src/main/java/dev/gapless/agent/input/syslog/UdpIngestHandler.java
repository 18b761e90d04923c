package dev.gapless.agent.input.syslog;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.contract.Utf8;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one UDP socket's datagrams to the {@link IngestPort}, one message per datagram (RFC 5426; a trailing
 * {@code \n} or {@code \r\n} some senders add is dropped), the datagrams of one read loop offered as one batch. A
 * datagram longer than {@code maxLineBytes} is cut between characters and tagged {@code truncated}. UDP has no
 * back-pressure: when the port refuses a batch (journal full), its datagrams are dropped, never acknowledged
 * (there are no acks), and counted as rejected; the count goes to the port at most once per
 * {@link #REPORT_EVERY_MS}, so a flood cannot flood the log. One socket: never shared, only its event loop.
 */
final class UdpIngestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpIngestHandler.class);
    /** Drops while the journal is full are reported (counted and logged) at most this often. */
    static final long REPORT_EVERY_MS = 1000;
    /** A read loop's batch is offered early past this many bytes (a loop reads at most 16 datagrams anyway). */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final IngestPort port;
    private final InputStats stats;
    private final Clock clock;
    private final int maxLineBytes;
    private final SyslogEvents events;
    private final MessageBatch batch = new MessageBatch(64 * 1024);
    private final byte[] datagram;
    private IngestPort.Sender sender;
    // Datagrams dropped (journal full) and not reported yet; whether a report is scheduled.
    private int dropped;
    private boolean reportScheduled;
    private String fullReason = "";

    UdpIngestHandler(IngestPort port, InputStats stats, Clock clock, int maxLineBytes, SyslogEvents events) {
        this.port = port;
        this.stats = stats;
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
        this.events = events;
        this.datagram = new byte[maxLineBytes + 1];
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sender = port.open(stats, "udp " + ctx.channel().localAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ByteBuf in = packet.content();
            int n = Math.min(in.readableBytes(), datagram.length);
            in.getBytes(in.readerIndex(), datagram, 0, n);
            if (batch.size() == 0) {
                Instant now = clock.instant();
                batch.receivedAtNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
            }
            int tags = 0;
            if (n > maxLineBytes) {
                n = Utf8.safeCut(datagram, 0, maxLineBytes, datagram[maxLineBytes]);
                tags = Tags.TRUNCATED;
            }
            events.add(datagram, 0, n, tags, batch);
        } finally {
            packet.release();
        }
        if (batch.messageBytes() >= MAX_BATCH_BYTES) {
            offer(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        offer(ctx);
        ctx.fireChannelReadComplete();
    }

    private void offer(ChannelHandlerContext ctx) {
        if (batch.size() == 0) {
            return;
        }
        Offer offer = sender.offer(batch);
        if (offer instanceof Full full) {
            dropped += batch.size();
            fullReason = String.valueOf(full.reason());
            if (!reportScheduled) {
                reportScheduled = true;
                ctx.executor().schedule(this::reportDropped, REPORT_EVERY_MS, TimeUnit.MILLISECONDS);
            }
        }
        // Taken: durable later, nobody to tell (UDP has no acks). Closed: shutting down, dropped like any datagram
        // that arrives after the socket closes.
        batch.clear();
    }

    private void reportDropped() {
        reportScheduled = false;
        if (dropped > 0) {
            sender.reject(dropped, "journal full (" + fullReason + "): UDP has no back-pressure, datagrams dropped");
            dropped = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reportDropped();
        if (sender != null) {
            sender.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket has no peer to lose: an error (e.g. an ICMP report) is logged and the socket reads on.
        log.warn("input {}: UDP socket error: {}", stats.id, cause.toString());
    }
}
