package dev.gapless.agent.input.tcp;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.internal.Utf8;
import dev.gapless.agent.journal.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into lines at {@code \n} (a trailing {@code \r} is dropped), copying the lines of one decode
 * straight into one reused {@link MessageBatch} (no object per line) that it passes on as one message: the next
 * handler must take the batch's contents before it returns, as the batch is cleared at the next decode. A line
 * longer than {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes (fewer when the cut would split a
 * UTF-8 sequence, at most 3 fewer) go on as a truncated line and the rest, up to the next newline, is discarded —
 * the connection lives on (the line carries {@link Tags#TRUNCATED}). After each decode at most {@code maxLineBytes}
 * + 1 bytes stay buffered for the line in progress (plus what one socket read brought in while it is being
 * decoded). Empty lines are skipped. Bytes left without a newline when the connection closes form a last line.
 * Per-connection state: never shared.
 */
final class LineFramer extends ByteToMessageDecoder {

    private final int maxLineBytes;
    // Only this connection's event loop: true while skipping the rest of a line already cut.
    private boolean discarding;
    // Only this connection's event loop: bytes after the reader index already known to hold no newline, so a
    // line arriving in many reads is scanned once, not once per read.
    private int scanned;
    // Only this connection's event loop: the lines of the current decode, handed on and reused.
    private final MessageBatch lines = new MessageBatch(64 * 1024);
    private boolean started;

    LineFramer(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        started = false;
        split(in);
        if (started) {
            out.add(lines);
        }
    }

    private void split(ByteBuf in) {
        while (in.isReadable()) {
            int from = in.readerIndex();
            // indexOf searches eight bytes at a time (SWAR); forEachByte with FIND_LF went byte by byte
            int eol = in.indexOf(from + scanned, in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                scanned = in.readableBytes();
                if (discarding) {
                    in.skipBytes(in.readableBytes());
                    scanned = 0;
                } else if (tooLong(in)) {
                    truncated(in, from);
                    in.skipBytes(in.readableBytes());
                    scanned = 0;
                    discarding = true;
                }
                return;
            }
            scanned = 0;
            if (discarding) {
                discarding = false;
            } else {
                int end = eol > from && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
                if (end - from > maxLineBytes) {
                    truncated(in, from);
                } else if (end > from) {
                    line(in, from, end - from, 0);
                }
            }
            in.readerIndex(eol + 1);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        started = false;
        split(in);
        if (!discarding && in.isReadable()) {
            int from = in.readerIndex();
            int end = in.writerIndex();
            if (in.getByte(end - 1) == '\r') {
                end--;
            }
            if (end > from) {
                line(in, from, end - from, 0);
            }
        }
        in.skipBytes(in.readableBytes());
        scanned = 0;
        discarding = false;
        if (started) {
            out.add(lines);
        }
    }

    /** A line without its newline yet is past the max (a max-long line may still wait for its CRLF's LF). */
    private boolean tooLong(ByteBuf in) {
        int n = in.readableBytes();
        return n > maxLineBytes + 1 || n == maxLineBytes + 1 && in.getByte(in.writerIndex() - 1) != '\r';
    }

    /** The first maxLineBytes of a longer line (the byte at from + maxLineBytes exists), cut between characters. */
    private void truncated(ByteBuf in, int from) {
        int at = line(in, from, maxLineBytes, Tags.TRUNCATED);
        int end = Utf8.safeCut(lines.array(), at, at + maxLineBytes, in.getByte(from + maxLineBytes));
        lines.shortenLast(end - at);
    }

    /** Copies one line into the batch (the first of a decode clears it); returns its offset there. */
    private int line(ByteBuf in, int from, int n, int tags) {
        if (!started) {
            lines.clear();
            started = true;
        }
        int at = lines.add(n, tags);
        in.getBytes(from, lines.array(), at, n);
        return at;
    }
}
