package dev.gapless.agent.input.tcp;

import dev.gapless.agent.internal.Utf8;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a byte stream into {@link Line}s at {@code \n} (a trailing {@code \r} is dropped). A line longer than
 * {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes (fewer when the cut would split a UTF-8
 * sequence, at most 3 fewer) go on as a truncated line and the rest, up to the next newline, is discarded —
 * the connection lives on. After each decode at most {@code maxLineBytes} + 1 bytes stay buffered for the line in
 * progress (plus what one socket read brought in while it is being decoded). Empty lines are skipped. Bytes
 * left without a newline when the connection closes form a last line. Per-connection state: never shared.
 */
final class LineFramer extends ByteToMessageDecoder {

    private final int maxLineBytes;
    // Only this connection's event loop: true while skipping the rest of a line already cut.
    private boolean discarding;
    // Only this connection's event loop: bytes after the reader index already known to hold no newline, so a
    // line arriving in many reads is scanned once, not once per read.
    private int scanned;

    LineFramer(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int from = in.readerIndex();
            int eol = in.forEachByte(from + scanned, in.readableBytes() - scanned, ByteProcessor.FIND_LF);
            if (eol < 0) {
                scanned = in.readableBytes();
                if (discarding) {
                    in.skipBytes(in.readableBytes());
                    scanned = 0;
                } else if (tooLong(in)) {
                    out.add(truncated(in, from));
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
                    out.add(truncated(in, from));
                } else if (end > from) {
                    out.add(new Line(bytes(in, from, end - from), false));
                }
            }
            in.readerIndex(eol + 1);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!discarding && in.isReadable()) {
            int from = in.readerIndex();
            int end = in.writerIndex();
            if (in.getByte(end - 1) == '\r') {
                end--;
            }
            if (end > from) {
                out.add(new Line(bytes(in, from, end - from), false));
            }
        }
        in.skipBytes(in.readableBytes());
        scanned = 0;
        discarding = false;
    }

    /** A line without its newline yet is past the max (a max-long line may still wait for its CRLF's LF). */
    private boolean tooLong(ByteBuf in) {
        int n = in.readableBytes();
        return n > maxLineBytes + 1 || n == maxLineBytes + 1 && in.getByte(in.writerIndex() - 1) != '\r';
    }

    /** The first maxLineBytes of a longer line (the byte at from + maxLineBytes exists), cut between characters. */
    private Line truncated(ByteBuf in, int from) {
        byte[] b = bytes(in, from, maxLineBytes);
        int end = Utf8.safeCut(b, 0, maxLineBytes, in.getByte(from + maxLineBytes));
        return new Line(end == maxLineBytes ? b : Arrays.copyOf(b, end), true);
    }

    private static byte[] bytes(ByteBuf in, int from, int n) {
        byte[] b = new byte[n];
        in.getBytes(from, b);
        return b;
    }
}
