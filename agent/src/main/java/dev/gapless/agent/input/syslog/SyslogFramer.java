package dev.gapless.agent.input.syslog;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.ByteBufChunk;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.contract.Utf8;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frames one TCP connection's syslog stream per RFC 6587, deciding for each frame on its own: a frame that starts
 * with {@code [1-9][0-9]* <} is octet-counted (the count, a space, then that many bytes from the {@code <}); any
 * other is a line ended by {@code \n}, split by the inputs' {@link LineSplitter} (so an RFC 3164 line without PRI
 * that starts with a date is never read as a length). The frames of one read go on as one reused
 * {@link MessageBatch}, which the next handler must take before it returns.
 *
 * <p>The bounds:
 * <ul>
 *   <li>A counted frame longer than {@code maxLineBytes} is read in full, its first {@code maxLineBytes} bytes (cut
 *       between characters) kept and tagged {@code truncated}, the rest discarded; the connection lives on. A line
 *       likewise, as the splitter says.</li>
 *   <li>A malformed count, digits directly followed by {@code <} or more than {@link #MAX_COUNT_DIGITS} digits (or a
 *       value past {@code Integer.MAX_VALUE}) before {@code " <"}, closes this connection: the frames before it go
 *       on, then a {@link CorruptedFrameException} is fired (the ingest handler counts it rejected, logs it and
 *       closes), and every byte after it is ignored.</li>
 *   <li>What the framer holds between reads: a frame in progress (at most {@code maxLineBytes} + 1 bytes) or the
 *       start of a count (at most {@link #MAX_HEADER} bytes; a longer digit run is a line).</li>
 * </ul>
 * A frame cut short by the connection's end goes on as it is, a counted one tagged {@code truncated}. Per
 * connection state: never shared, only the connection's event loop.
 */
final class SyslogFramer extends ChannelInboundHandlerAdapter {

    /** A frame count has at most this many digits (Integer.MAX_VALUE has 10). */
    static final int MAX_COUNT_DIGITS = 10;
    /** Digits carried at a frame's start while undecided; a longer run of digits is the start of a line. */
    static final int MAX_HEADER = 32;
    private static final int BATCH_BYTES = 64 * 1024;
    private static final int SHRINK_AFTER = 16;

    private enum State { START, HEADER, COUNTED, LINE, BROKEN }

    private final int maxLineBytes;
    private final LineSplitter splitter;
    private final ByteBufChunk chunk = new ByteBufChunk();
    private State state = State.START;
    // HEADER: the digits (and the space after them) of a frame start a read ended in.
    private final byte[] header = new byte[MAX_HEADER + 1];
    private int headerLength;
    // COUNTED: bytes of the frame still to come, and the first maxLineBytes + 1 of it.
    private int remaining;
    private int frameLength;
    private boolean frameCut;
    private byte[] frame = new byte[256];
    // The frames of the current read, handed on and reused; shrunk after SHRINK_AFTER small reads in a row.
    private MessageBatch frames = new MessageBatch(BATCH_BYTES);
    private int smallReads;

    SyslogFramer(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.splitter = LineSplitter.lines(maxLineBytes);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        frames.clear();
        String malformed;
        try {
            chunk.of(in);
            malformed = state == State.BROKEN ? null : split(in, in.readerIndex(), in.writerIndex());
        } finally {
            chunk.of(null);
            in.release();
        }
        if (frames.size() > 0) {
            ctx.fireChannelRead(frames);
            shrinkIfIdle();
        }
        if (malformed != null) {
            state = State.BROKEN;
            ctx.fireExceptionCaught(new CorruptedFrameException(malformed + ": closing the connection"));
        }
    }

    /** Frames {@code in[from, end)} into {@link #frames}; returns why the stream is malformed, or null. */
    private String split(ByteBuf in, int from, int end) {
        int p = from;
        while (p < end) {
            switch (state) {
                case START, HEADER -> {
                    p = header(in, p, end);
                    if (p < 0) {
                        return "malformed octet count '" + headerText() + "'";
                    }
                }
                case COUNTED -> p = counted(in, p, end);
                case LINE -> p = line(p, end);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return null;
    }

    /** Reads a frame's start until it is known to be counted or a line; -1 if the count is malformed. */
    private int header(ByteBuf in, int p, int end) {
        while (p < end) {
            byte c = in.getByte(p);
            int digits = headerLength > 0 && header[headerLength - 1] == ' ' ? headerLength - 1 : headerLength;
            boolean spaced = digits < headerLength;
            if (spaced) {
                if (c != '<') {
                    return toLine(p);
                }
                if (digits > MAX_COUNT_DIGITS || Long.parseLong(headerText().trim()) > Integer.MAX_VALUE) {
                    return -1;
                }
                remaining = Integer.parseInt(headerText().trim());
                headerLength = 0;
                frameLength = 0;
                frameCut = remaining > maxLineBytes;
                state = State.COUNTED;
                return p;
            }
            boolean digit = c >= '0' && c <= '9' && (digits > 0 || c != '0');
            if (digit && headerLength < MAX_HEADER) {
                header[headerLength++] = c;
            } else if (c == ' ' && digits > 0) {
                header[headerLength++] = c;
            } else if (c == '<' && digits > 0) {
                header[headerLength++] = c;
                return -1;
            } else {
                return toLine(p);
            }
            p++;
            state = State.HEADER;
        }
        return p;
    }

    /** The frame is a line: what the header held goes to the splitter first; continues at p. */
    private int toLine(int p) {
        if (headerLength > 0) {
            splitter.split(LineSplitter.chunk(header), 0, headerLength, frames); // no newline in it: carried
            headerLength = 0;
        }
        state = State.LINE;
        return p;
    }

    private int line(int p, int end) {
        int eol = chunk.indexOf(p, end, (byte) '\n');
        if (eol < 0) {
            splitter.split(chunk, p, end, frames);
            return end;
        }
        splitter.split(chunk, p, eol + 1, frames);
        state = State.START;
        return eol + 1;
    }

    private int counted(ByteBuf in, int p, int end) {
        int n = Math.min(remaining, end - p);
        if (frameLength == 0 && n == remaining && !frameCut) { // the whole frame is in this read: no carry
            int at = frames.add(n, 0);
            in.getBytes(p, frames.array(), at, n);
        } else {
            int keep = Math.min(n, maxLineBytes + 1 - frameLength);
            if (keep > 0) {
                ensureFrame(frameLength + keep);
                in.getBytes(p, frame, frameLength, keep);
                frameLength += keep;
            }
            if (n == remaining) {
                emitFrame();
            }
        }
        remaining -= n;
        if (remaining == 0) {
            state = State.START;
        }
        return p + n;
    }

    /** The counted frame gathered in {@link #frame}, cut to maxLineBytes between characters if it is longer. */
    private void emitFrame() {
        if (frameLength > maxLineBytes) {
            int cut = Utf8.safeCut(frame, 0, maxLineBytes, frame[maxLineBytes]);
            frames.add(frame, 0, cut, Tags.TRUNCATED);
        } else if (frameLength > 0) {
            frames.add(frame, 0, frameLength, frameCut ? Tags.TRUNCATED : 0);
        }
        frameLength = 0;
        frameCut = false;
    }

    private void ensureFrame(int n) {
        if (n > frame.length) {
            frame = Arrays.copyOf(frame, Math.min(maxLineBytes + 1, Math.max(n, frame.length * 2)));
        }
    }

    private String headerText() {
        return new String(header, 0, headerLength, StandardCharsets.ISO_8859_1);
    }

    private void shrinkIfIdle() {
        if (frames.array().length <= BATCH_BYTES) {
            return;
        }
        if (frames.messageBytes() >= frames.array().length / 8) {
            smallReads = 0;
        } else if (++smallReads >= SHRINK_AFTER) {
            frames = new MessageBatch(BATCH_BYTES); // the next handler took the last one's contents already
            smallReads = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frames.clear();
        switch (state) {
            case HEADER -> frames.add(header, 0, headerLength, 0);
            case COUNTED -> {
                frameCut = true; // the connection ended inside the frame
                emitFrame();
            }
            case LINE -> splitter.finish(frames);
            default -> {
                // at a frame boundary, or broken: nothing held to hand on
            }
        }
        state = State.BROKEN;
        if (frames.size() > 0) {
            ctx.fireChannelRead(frames);
        }
        ctx.fireChannelInactive();
    }
}
