package dev.gapless.agent.input.tcp;

import dev.gapless.agent.input.ByteBufChunk;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Frames a connection's byte stream into lines with the inputs' {@link LineSplitter} (its javadoc says what happens
 * to empty, over-long and partial lines), copying the lines of one read straight from Netty's buffer into one reused
 * {@link MessageBatch} (no object per line) that it passes on as one message: the next handler must take the
 * batch's contents before it returns, as the batch is cleared at the next read. Bytes left without a newline when
 * the connection closes form a last line. The connection lives on after a cut line.
 *
 * <p>A line that a read ends in the middle of is carried over by the splitter in a buffer of its own and completed
 * from the next read; each read's buffer is split where it lies and released. (Netty's {@code ByteToMessageDecoder}
 * would instead copy every following read into its cumulation buffer, and most reads end mid-line: a second copy of
 * the whole stream.) Per-connection state: never shared.
 */
final class LineFramer extends ChannelInboundHandlerAdapter {

    private static final int BATCH_BYTES = 64 * 1024;
    private static final int SHRINK_AFTER = 16;

    // Only this connection's event loop: the splitter and the buffer of the read it splits.
    private final LineSplitter splitter;
    private final ByteBufChunk chunk = new ByteBufChunk();
    // Only this connection's event loop: the lines of the current read, handed on and reused. It grows with the
    // reads (up to about TcpInput.MAX_READ_BYTES) and goes back to its first size after SHRINK_AFTER reads in a row
    // that used under an eighth of it, so a connection that has gone quiet does not keep a large array.
    private MessageBatch lines = new MessageBatch(BATCH_BYTES);
    private int smallReads;

    LineFramer(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, got " + maxLineBytes);
        }
        this.splitter = LineSplitter.lines(maxLineBytes);
    }

    /** Bytes held for the line in progress (for tests: bounded by maxLineBytes + 1). */
    int carried() {
        return splitter.carried();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        lines.clear();
        try {
            chunk.of(in);
            splitter.split(chunk, in.readerIndex(), in.writerIndex(), lines);
            in.readerIndex(in.writerIndex());
        } finally {
            chunk.of(null);
            in.release();
        }
        if (lines.size() > 0) {
            ctx.fireChannelRead(lines);
            shrinkIfIdle();
        }
    }

    /** Bytes the batch array holds now (for tests). */
    int batchCapacity() {
        return lines.array().length;
    }

    private void shrinkIfIdle() {
        if (lines.array().length <= BATCH_BYTES) {
            return;
        }
        if (lines.messageBytes() >= lines.array().length / 8) {
            smallReads = 0;
        } else if (++smallReads >= SHRINK_AFTER) {
            lines = new MessageBatch(BATCH_BYTES); // the next handler took the last one's contents already
            smallReads = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lines.clear();
        splitter.finish(lines);
        if (lines.size() > 0) {
            ctx.fireChannelRead(lines);
        }
        ctx.fireChannelInactive();
    }
}
