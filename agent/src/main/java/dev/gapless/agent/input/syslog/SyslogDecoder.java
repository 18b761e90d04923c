package dev.gapless.agent.input.syslog;

import dev.gapless.agent.journal.MessageBatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Parses the frames of one read (a {@link MessageBatch} from {@link SyslogFramer}) into events with
 * {@link SyslogEvents}, into one reused batch handed on as one message: the next handler must take its contents
 * before it returns. A frame that does not parse stays an event (raw, tagged). Per connection: never shared.
 */
final class SyslogDecoder extends ChannelInboundHandlerAdapter {

    private static final int BATCH_BYTES = 64 * 1024;

    private final SyslogEvents events;
    // Only the connection's event loop: the events of the current read.
    private MessageBatch out = new MessageBatch(BATCH_BYTES);

    SyslogDecoder(SyslogEvents events) {
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MessageBatch frames)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (out.array().length > 4 * BATCH_BYTES && frames.messageBytes() < BATCH_BYTES / 2) {
            out = new MessageBatch(BATCH_BYTES); // a large read's array is not kept for a quiet connection
        }
        out.clear();
        byte[] b = frames.array();
        for (int i = 0; i < frames.size(); i++) {
            events.add(b, frames.offset(i), frames.length(i), frames.tags(i), out);
        }
        ctx.fireChannelRead(out);
    }
}
