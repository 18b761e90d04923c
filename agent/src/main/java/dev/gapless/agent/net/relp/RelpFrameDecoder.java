package dev.gapless.agent.net.relp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Reads {@link RelpFrame}s from a byte stream: {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}, TXNR and DATALEN
 * 1 to {@link #MAX_DIGITS} digits, COMMAND 1 to {@link #MAX_COMMAND} ASCII letters. It checks the syntax only; what
 * a transaction number or a command means is the session's business (this decoder serves a server and a client).
 *
 * <p>The bounds:
 * <ul>
 *   <li>DATA longer than {@code maxData} bytes is read in full, its first {@code maxData} bytes kept and the frame
 *       marked {@link RelpFrame#truncated()}; the rest is discarded as it arrives, so a frame never holds more than
 *       {@code maxData} bytes of memory, whatever its DATALEN says.</li>
 *   <li>Anything else that does not follow the syntax (a letter in TXNR, an eleventh digit, a missing space, a frame
 *       not ended by LF) fires a {@link CorruptedFrameException} saying what and where; the frames before it have
 *       gone on, every byte after it is discarded (a RELP stream cannot be resynchronised), and the session closes
 *       the connection.</li>
 *   <li>Between reads it holds one frame's header fields and data in progress, nothing else: every read is consumed
 *       whole, so Netty's cumulation buffer stays empty.</li>
 * </ul>
 * A frame cut short by the connection's end is dropped (never answered, so a RELP sender sends it again). Per
 * connection state: never shared.
 */
public final class RelpFrameDecoder extends ByteToMessageDecoder {

    /** TXNR and DATALEN have at most this many digits (999,999,999). */
    public static final int MAX_DIGITS = 9;
    /** COMMAND has at most this many letters. */
    public static final int MAX_COMMAND = 32;

    private enum State { TXNR, COMMAND, DATALEN, AFTER_EMPTY, DATA, TRAILER, BROKEN }

    private final int maxData;
    private State state = State.TXNR;
    private long txnr;
    private int txnrDigits;
    private final StringBuilder command = new StringBuilder(MAX_COMMAND);
    private long dataLength;
    private int lengthDigits;
    // DATA: the bytes kept (at most maxData), how many are in, and how many of the frame's are still to come.
    private byte[] data;
    private int kept;
    private long remaining;

    public RelpFrameDecoder(int maxData) {
        if (maxData < 1) {
            throw new IllegalArgumentException("maxData must be positive, got " + maxData);
        }
        this.maxData = maxData;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case BROKEN -> in.skipBytes(in.readableBytes());
                case DATA -> data(in, out);
                default -> header(in.readByte(), out);
            }
        }
    }

    private void header(byte c, List<Object> out) {
        switch (state) {
            case TXNR -> {
                if (isDigit(c) && txnrDigits < MAX_DIGITS) {
                    txnr = txnr * 10 + (c - '0');
                    txnrDigits++;
                } else if (c == ' ' && txnrDigits > 0) {
                    state = State.COMMAND;
                } else {
                    fail(txnrDigits == MAX_DIGITS && isDigit(c) ? "TXNR longer than " + MAX_DIGITS + " digits"
                            : "expected a digit or a space in TXNR, got " + show(c));
                }
            }
            case COMMAND -> {
                if (isLetter(c) && command.length() < MAX_COMMAND) {
                    command.append((char) c);
                } else if (c == ' ' && command.length() > 0) {
                    state = State.DATALEN;
                } else {
                    fail(command.length() == MAX_COMMAND && isLetter(c) ? "COMMAND longer than " + MAX_COMMAND
                            + " letters" : "expected a letter or a space in COMMAND, got " + show(c));
                }
            }
            case DATALEN -> {
                if (isDigit(c) && lengthDigits < MAX_DIGITS) {
                    dataLength = dataLength * 10 + (c - '0');
                    lengthDigits++;
                } else if (c == ' ' && lengthDigits > 0) {
                    if (dataLength == 0) {
                        state = State.AFTER_EMPTY; // "0 " then LF: tolerated, DATA is empty either way
                    } else {
                        startData();
                    }
                } else if (c == '\n' && lengthDigits > 0 && dataLength == 0) {
                    emit(out);
                } else {
                    fail(lengthDigits == MAX_DIGITS && isDigit(c) ? "DATALEN longer than " + MAX_DIGITS + " digits"
                            : c == '\n' && lengthDigits > 0 ? "DATALEN " + dataLength + " but no data"
                            : "expected a digit, a space or LF in DATALEN, got " + show(c));
                }
            }
            case AFTER_EMPTY, TRAILER -> {
                if (c == '\n') {
                    emit(out);
                } else {
                    fail("expected the trailer (LF) after " + dataLength + " bytes of data, got " + show(c));
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void startData() {
        data = new byte[(int) Math.min(dataLength, maxData)];
        kept = 0;
        remaining = dataLength;
        state = State.DATA;
    }

    private void data(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        int keep = Math.min(n, data.length - kept);
        in.readBytes(data, kept, keep);
        kept += keep;
        in.skipBytes(n - keep);
        remaining -= n;
        if (remaining == 0) {
            state = State.TRAILER;
        }
    }

    private void emit(List<Object> out) {
        byte[] d = data == null ? new byte[0] : data;
        out.add(new RelpFrame(txnr, command.toString(), d, dataLength > d.length));
        txnr = 0;
        txnrDigits = 0;
        command.setLength(0);
        dataLength = 0;
        lengthDigits = 0;
        data = null;
        state = State.TXNR;
    }

    private void fail(String why) {
        String after = txnrDigits > 0 ? " (frame " + txnr + (command.length() > 0 ? " " + command : "") + ")" : "";
        state = State.BROKEN;
        data = null;
        throw new CorruptedFrameException("malformed RELP frame: " + why + after);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String show(byte c) {
        return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c & 0xff);
    }
}
