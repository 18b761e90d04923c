package dev.gapless.agent.input.tcp;

import dev.gapless.agent.event.Tags;
import dev.gapless.contract.Utf8;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Splits a byte stream into lines at {@code \n} (a trailing {@code \r} is dropped), copying the lines of one read
 * straight into one reused {@link MessageBatch} (no object per line) that it passes on as one message: the next
 * handler must take the batch's contents before it returns, as the batch is cleared at the next read. A line
 * longer than {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes (fewer when the cut would split a
 * UTF-8 sequence, at most 3 fewer) go on as a truncated line and the rest, up to the next newline, is discarded —
 * the connection lives on (the line carries {@link Tags#TRUNCATED}). Empty lines are skipped. Bytes left without a
 * newline when the connection closes form a last line.
 *
 * <p>A line that a read ends in the middle of is carried over in a buffer of its own, at most
 * {@code maxLineBytes} + 1 bytes, and completed from the next read; each read's buffer is split where it lies and
 * released. (Netty's {@code ByteToMessageDecoder} would instead copy every following read into its cumulation
 * buffer, and most reads end mid-line: a second copy of the whole stream.) Per-connection state: never shared.
 */
final class LineFramer extends ChannelInboundHandlerAdapter {

    private static final int BATCH_BYTES = 64 * 1024;
    private static final int SHRINK_AFTER = 16;

    private final int maxLineBytes;
    // Only this connection's event loop: the start of a line the last read ended in (carried bytes), at most
    // maxLineBytes + 1 (a line of exactly maxLineBytes whose CR came without its LF yet); grown on demand.
    private byte[] carry;
    private int carried;
    // Only this connection's event loop: true while skipping the rest of a line already cut.
    private boolean discarding;
    // Only this connection's event loop: the lines of the current read, handed on and reused. It grows with the
    // reads (up to about TcpInput.MAX_READ_BYTES) and goes back to its first size after SHRINK_AFTER reads in a row
    // that used under an eighth of it, so a connection that has gone quiet does not keep a large array.
    private MessageBatch lines = new MessageBatch(BATCH_BYTES);
    private int smallReads;
    private boolean started;

    LineFramer(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.carry = new byte[Math.min(maxLineBytes + 1, 1024)];
    }

    /** Bytes held for the line in progress (for tests: bounded by maxLineBytes + 1). */
    int carried() {
        return carried;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        started = false;
        try {
            split(in);
        } finally {
            in.release();
        }
        if (started) {
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
        started = false;
        if (!discarding && carried > 0) {
            int end = carry[carried - 1] == '\r' ? carried - 1 : carried;
            if (end > 0) {
                int at = begin(end, 0);
                System.arraycopy(carry, 0, lines.array(), at, end);
            }
        }
        carried = 0;
        discarding = false;
        if (started) {
            ctx.fireChannelRead(lines);
        }
        ctx.fireChannelInactive();
    }

    private void split(ByteBuf in) {
        int from = in.readerIndex();
        int end = in.writerIndex();
        while (from < end) {
            // indexOf searches eight bytes at a time (SWAR); forEachByte with FIND_LF went byte by byte
            int eol = in.indexOf(from, end, (byte) '\n');
            if (eol < 0) {
                hold(in, from, end);
                break;
            }
            if (discarding) {
                discarding = false;
            } else if (carried > 0) {
                completeCarried(in, from, eol);
            } else {
                int stop = eol > from && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
                if (stop - from > maxLineBytes) {
                    truncated(in, from);
                } else if (stop > from) {
                    int at = begin(stop - from, 0);
                    in.getBytes(from, lines.array(), at, stop - from);
                }
            }
            carried = 0;
            from = eol + 1;
        }
        in.readerIndex(end);
    }

    /** The carried start of a line plus {@code in[from, eol)}: one line. */
    private void completeCarried(ByteBuf in, int from, int eol) {
        int n = carried + (eol - from);
        boolean cr = eol > from ? in.getByte(eol - 1) == '\r' : carry[carried - 1] == '\r';
        if (cr) {
            n--;
        }
        if (n > maxLineBytes) {
            truncated(in, from);
        } else if (n > 0) {
            int at = begin(n, 0);
            int fromCarry = Math.min(carried, n);
            System.arraycopy(carry, 0, lines.array(), at, fromCarry);
            in.getBytes(from, lines.array(), at + fromCarry, n - fromCarry);
        }
    }

    /** {@code in[from, end)} holds no newline: carry it, or cut the line once it is past the max. */
    private void hold(ByteBuf in, int from, int end) {
        if (discarding) {
            return;
        }
        int m = end - from;
        int n = carried + m;
        if (n > maxLineBytes + 1 || n == maxLineBytes + 1 && in.getByte(end - 1) != '\r') {
            truncated(in, from); // a line without its newline yet is past the max (a max-long one may await its LF)
            carried = 0;
            discarding = true;
            return;
        }
        if (n > carry.length) {
            carry = java.util.Arrays.copyOf(carry, Math.min(maxLineBytes + 1, Math.max(n, carry.length * 2)));
        }
        in.getBytes(from, carry, carried, m);
        carried = n;
    }

    /**
     * The first maxLineBytes bytes of the line made of the carried bytes and {@code in[from...]} (which together
     * hold more than maxLineBytes), cut between characters.
     */
    private void truncated(ByteBuf in, int from) {
        int at = begin(maxLineBytes, Tags.TRUNCATED);
        int fromCarry = Math.min(carried, maxLineBytes);
        System.arraycopy(carry, 0, lines.array(), at, fromCarry);
        int rest = maxLineBytes - fromCarry;
        in.getBytes(from, lines.array(), at + fromCarry, rest);
        byte next = carried > maxLineBytes ? carry[maxLineBytes] : in.getByte(from + rest);
        int end = Utf8.safeCut(lines.array(), at, at + maxLineBytes, next);
        lines.shortenLast(end - at);
    }

    /** Reserves a line of {@code n} bytes in the batch (the first of a read clears it); returns its offset there. */
    private int begin(int n, int tags) {
        if (!started) {
            lines.clear();
            started = true;
        }
        return lines.add(n, tags);
    }
}
