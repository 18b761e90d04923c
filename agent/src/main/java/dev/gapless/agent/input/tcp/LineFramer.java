package dev.gapless.agent.input.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Splits a byte stream into {@link Line}s at {@code \n} (a trailing {@code \r} is dropped). A line longer than
 * {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes go on as a truncated line and the rest, up
 * to the next newline, is discarded — the connection lives on, and at most {@code maxLineBytes} bytes are
 * ever buffered for one line. Empty lines are skipped. Bytes left without a newline when the connection
 * closes form a last line. Per-connection state: never shared.
 */
final class LineFramer extends ByteToMessageDecoder {

    private final int maxLineBytes;
    // Only this connection's event loop: true while skipping the rest of a line already cut.
    private boolean discarding;

    LineFramer(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int eol = in.forEachByte(ByteProcessor.FIND_LF);
            if (discarding) {
                if (eol < 0) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                in.readerIndex(eol + 1);
                discarding = false;
                continue;
            }
            if (eol < 0) {
                if (in.readableBytes() > maxLineBytes) {
                    out.add(new Line(read(in, maxLineBytes), true));
                    in.skipBytes(in.readableBytes());
                    discarding = true;
                }
                return;
            }
            int length = eol - in.readerIndex();
            if (length > maxLineBytes) {
                out.add(new Line(read(in, maxLineBytes), true));
                in.readerIndex(eol + 1);
                continue;
            }
            int content = length > 0 && in.getByte(eol - 1) == '\r' ? length - 1 : length;
            if (content > 0) {
                out.add(new Line(read(in, content), false));
            }
            in.readerIndex(eol + 1);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!discarding && in.isReadable()) {
            int n = in.readableBytes();
            int content = in.getByte(in.readerIndex() + n - 1) == '\r' ? n - 1 : n;
            if (content > 0) {
                out.add(new Line(read(in, content), false));
            }
            in.skipBytes(in.readableBytes());
        }
    }

    private static byte[] read(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.getBytes(in.readerIndex(), b);
        return b;
    }
}
