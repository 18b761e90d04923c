package dev.gapless.agent.net.relp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link RelpFrame}s as {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}; no space and no data when DATALEN is
 * 0. Stateless, so one instance may serve every channel; the same encoding for a server's answers and a client's
 * commands.
 */
@Sharable
public final class RelpFrameEncoder extends MessageToByteEncoder<RelpFrame> {

    public static final RelpFrameEncoder INSTANCE = new RelpFrameEncoder();

    private RelpFrameEncoder() {
        super(RelpFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RelpFrame frame, ByteBuf out) {
        write(out, frame.txnr(), frame.command(), frame.data());
    }

    /** Appends one frame to {@code out}. */
    public static void write(ByteBuf out, long txnr, String command, byte[] data) {
        if (txnr < 0 || txnr > RelpFrame.MAX_TXNR) {
            throw new IllegalArgumentException("txnr out of range: " + txnr);
        }
        out.writeCharSequence(Long.toString(txnr), StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(command, StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(Integer.toString(data.length), StandardCharsets.US_ASCII);
        if (data.length > 0) {
            out.writeByte(' ');
            out.writeBytes(data);
        }
        out.writeByte('\n');
    }

    /** One frame in a buffer of its own. */
    public static ByteBuf encode(ByteBufAllocator alloc, long txnr, String command, byte[] data) {
        ByteBuf out = alloc.buffer(24 + command.length() + data.length);
        write(out, txnr, command, data);
        return out;
    }
}
