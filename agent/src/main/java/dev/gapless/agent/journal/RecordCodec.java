package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes and decodes journal record format v1 (the layout is documented in {@code package-info.java}).
 * Not thread-safe: one instance per thread, since it reuses its scratch buffer.
 */
public final class RecordCodec {

    /** The format version this code writes, and the only one it reads. */
    public static final int VERSION = 1;
    /** Fixed header bytes before the variable parts. */
    public static final int HEADER_BYTES = 66;
    /** The CRC32C trailer. */
    public static final int TRAILER_BYTES = 4;

    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // Chronicle's Bytes read in the platform's byte order; the format is little-endian.
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int maxRecordBytes;
    private final CRC32C crc = new CRC32C();
    // Decoding only: the header, source and trailer of the record being read; the last source name seen.
    private byte[] header = new byte[HEADER_BYTES + 64 + TRAILER_BYTES];
    private byte[] lastSourceBytes;
    private String lastSource;
    // encodeTo only: the header, source and trailer of the record being written.
    private byte[] writeHeader = new byte[HEADER_BYTES + 64 + TRAILER_BYTES];
    // Reused for every encode; grows up to maxRecordBytes, never beyond.
    private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * @param maxRecordBytes the length cap: encoding a larger record fails, and reading one declares it corrupt
     */
    public RecordCodec(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The encoded size of a record with these variable parts. */
    public static int encodedLength(int sourceBytes, int messageBytes, int extraBytes) {
        return HEADER_BYTES + sourceBytes + messageBytes + extraBytes + TRAILER_BYTES;
    }

    /**
     * Encodes one record into the codec's scratch buffer.
     *
     * @return the buffer, positioned at 0 with the record's length as limit; valid until the next call
     * @throws IllegalArgumentException if the record exceeds the length cap
     */
    public ByteBuffer encode(RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                             long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message,
                             byte[] extra) {
        return encode(kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                message, 0, message.length, extra);
    }

    /** As above, the message being {@code message[messageOffset, messageOffset + messageLength)}. */
    public ByteBuffer encode(RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                             long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message,
                             int messageOffset, int messageLength, byte[] extra) {
        int length = checkedLength(source, messageLength, extra);
        ByteBuffer b = ensure(length);
        b.clear();
        putHeader(b.array(), kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                length, messageLength, extra.length);
        b.position(HEADER_BYTES + source.length);
        b.put(message, messageOffset, messageLength);
        b.put(extra);
        crc.reset();
        crc.update(b.array(), 0, length - TRAILER_BYTES);
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    /**
     * Encodes one record straight into {@code out} at its write position: the same bytes as {@link #encode}, without
     * first copying the message into a scratch buffer (the CRC is taken over the parts where they lie).
     *
     * @return the record's length
     * @throws IllegalArgumentException if the record exceeds the length cap; nothing was written
     */
    int encodeTo(Bytes<?> out, RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                 long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message, int messageOffset,
                 int messageLength, byte[] extra) {
        return encodeTo(out, kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                message, messageOffset, messageLength, extra, 0, extra.length);
    }

    /** As above, the extra part being {@code extra[extraOffset, extraOffset + extraLength)}. */
    int encodeTo(Bytes<?> out, RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                 long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message, int messageOffset,
                 int messageLength, byte[] extra, int extraOffset, int extraLength) {
        int length = checkedLength(source, messageLength, extraLength);
        byte[] h = writeHeader;
        if (h.length < HEADER_BYTES + source.length + TRAILER_BYTES) {
            h = writeHeader = new byte[HEADER_BYTES + source.length + TRAILER_BYTES];
        }
        int head = HEADER_BYTES + source.length;
        putHeader(h, kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source, length,
                messageLength, extraLength);
        crc.reset();
        crc.update(h, 0, head);
        crc.update(message, messageOffset, messageLength);
        crc.update(extra, extraOffset, extraLength);
        INTS.set(h, head, (int) crc.getValue());
        out.write(h, 0, head);
        out.write(message, messageOffset, messageLength);
        out.write(extra, extraOffset, extraLength);
        out.write(h, head, TRAILER_BYTES);
        return length;
    }

    /** The record's length, checked against the cap (IllegalArgumentException if over). */
    int checkedLength(byte[] source, int messageLength, byte[] extra) {
        return checkedLength(source, messageLength, extra.length);
    }

    private int checkedLength(byte[] source, int messageLength, int extraLength) {
        int length = encodedLength(source.length, messageLength, extraLength);
        if (length > maxRecordBytes || source.length > 0xFFFF) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the cap of " + maxRecordBytes);
        }
        return length;
    }

    /** The fixed header and the source name at {@code b[0]}. */
    private static void putHeader(byte[] b, RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                                  long eventTimeNanos, long sourcePosition, int tags, byte[] source, int length,
                                  int messageLength, int extraLength) {
        b[0] = (byte) VERSION;
        b[1] = (byte) kind.code();
        SHORTS.set(b, 2, (short) tags);
        INTS.set(b, 4, length);
        LONGS.set(b, 8, seq);
        LONGS.set(b, 16, bootMsb);
        LONGS.set(b, 24, bootLsb);
        LONGS.set(b, 32, receivedAtNanos);
        LONGS.set(b, 40, eventTimeNanos);
        LONGS.set(b, 48, sourcePosition);
        SHORTS.set(b, 56, (short) source.length);
        INTS.set(b, 58, messageLength);
        INTS.set(b, 62, extraLength);
        System.arraycopy(source, 0, b, HEADER_BYTES, source.length);
    }

    /**
     * Decodes and verifies one record.
     *
     * @param bytes exactly one record, from position to limit
     * @throws CorruptRecordException if its length, version, kind or CRC is wrong
     */
    public JournalRecord decode(ByteBuffer bytes) throws CorruptRecordException {
        int available = bytes.remaining();
        byte[] b;
        int off;
        if (bytes.hasArray()) {
            b = bytes.array();
            off = bytes.arrayOffset() + bytes.position();
        } else {
            b = new byte[available];
            bytes.duplicate().get(b);
            off = 0;
        }
        if (available < HEADER_BYTES + TRAILER_BYTES) {
            throw new CorruptRecordException("record of " + available + " bytes is shorter than a header");
        }
        int length = checkHeader(b, off, available);
        int sourceLen = u16(b, off + 56);
        int messageLen = i32(b, off + 58);
        int extraLen = i32(b, off + 62);
        crc.reset();
        crc.update(b, off, length - TRAILER_BYTES);
        if ((int) crc.getValue() != i32(b, off + length - TRAILER_BYTES)) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        int at = off + HEADER_BYTES;
        String source = source(b, at, sourceLen);
        at += sourceLen;
        byte[] data = Arrays.copyOfRange(b, at, at + messageLen + extraLen);
        return record(b, off, source, data, 0, messageLen, extraLen, length);
    }

    /**
     * Decodes and verifies one record read straight from Chronicle's bytes: the message and extra parts are read
     * into their own arrays once (no intermediate copy of the whole record), the CRC taken over the parts.
     *
     * @param in    positioned at the record, which is exactly {@code available} bytes long
     * @param arena where the message and extra parts go; null: an array of the record's own
     */
    JournalRecord decode(Bytes<?> in, int available, RecordArena arena) throws CorruptRecordException {
        if (available < HEADER_BYTES + TRAILER_BYTES) {
            throw new CorruptRecordException("record of " + available + " bytes is shorter than a header");
        }
        byte[] h = header;
        in.read(h, 0, HEADER_BYTES);
        int length = checkHeader(h, 0, available);
        int sourceLen = u16(h, 56);
        int messageLen = i32(h, 58);
        int extraLen = i32(h, 62);
        if (sourceLen > h.length - HEADER_BYTES - TRAILER_BYTES) {
            h = header = Arrays.copyOf(h, HEADER_BYTES + sourceLen + TRAILER_BYTES);
        }
        in.read(h, HEADER_BYTES, sourceLen);
        int parts = messageLen + extraLen;
        byte[] data;
        int at;
        if (arena == null) {
            data = new byte[parts];
            at = 0;
        } else {
            at = arena.reserve(parts);
            data = arena.array();
        }
        in.read(data, at, parts);
        in.read(h, HEADER_BYTES + sourceLen, TRAILER_BYTES);
        crc.reset();
        crc.update(h, 0, HEADER_BYTES + sourceLen);
        crc.update(data, at, parts);
        if ((int) crc.getValue() != i32(h, HEADER_BYTES + sourceLen)) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        return record(h, 0, source(h, HEADER_BYTES, sourceLen), data, at, messageLen, extraLen, length);
    }

    /** Checks length, version, kind and part lengths of the header at {@code b[off]}; returns the length. */
    private int checkHeader(byte[] b, int off, int available) throws CorruptRecordException {
        if (available > maxRecordBytes) {
            throw new CorruptRecordException("record of " + available + " bytes exceeds the cap of " + maxRecordBytes);
        }
        int version = b[off] & 0xFF;
        if (version != VERSION) {
            throw new CorruptRecordException("unknown record format version " + version);
        }
        int length = i32(b, off + 4);
        if (length != available) {
            throw new CorruptRecordException("record says " + length + " bytes but holds " + available);
        }
        if (RecordKind.ofCode(b[off + 1] & 0xFF) == null) {
            throw new CorruptRecordException("unknown record kind " + (b[off + 1] & 0xFF));
        }
        int sourceLen = u16(b, off + 56);
        int messageLen = i32(b, off + 58);
        int extraLen = i32(b, off + 62);
        if (messageLen < 0 || extraLen < 0 || encodedLength(sourceLen, messageLen, extraLen) != length) {
            throw new CorruptRecordException("record part lengths do not add up to " + length);
        }
        return length;
    }

    private static JournalRecord record(byte[] h, int off, String source, byte[] data, int at, int messageLen,
                                        int extraLen, int length) {
        return new JournalRecord(RecordKind.ofCode(h[off + 1] & 0xFF), i64(h, off + 8), i64(h, off + 16),
                i64(h, off + 24), i64(h, off + 32), i64(h, off + 40), i64(h, off + 48), u16(h, off + 2), source,
                data, at, messageLen, at + messageLen, extraLen, length);
    }

    /** The source name, decoded once per distinct name (a reader meets the same few again and again). */
    private String source(byte[] b, int at, int n) {
        byte[] last = lastSourceBytes;
        if (last != null && Arrays.equals(last, 0, last.length, b, at, at + n)) {
            return lastSource;
        }
        lastSourceBytes = Arrays.copyOfRange(b, at, at + n);
        lastSource = new String(b, at, n, StandardCharsets.UTF_8);
        return lastSource;
    }

    private static int u16(byte[] b, int at) {
        return (short) SHORTS.get(b, at) & 0xFFFF;
    }

    private static int i32(byte[] b, int at) {
        return (int) INTS.get(b, at);
    }

    private static long i64(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }

    /** The length field of the record at {@code in[at]}, unverified. */
    static int peekLength(Bytes<?> in, long at) {
        return LITTLE ? in.readInt(at + 4) : Integer.reverseBytes(in.readInt(at + 4));
    }

    /** The seq field of the record at {@code in[at]}, unverified. */
    static long peekSeq(Bytes<?> in, long at) {
        return LITTLE ? in.readLong(at + 8) : Long.reverseBytes(in.readLong(at + 8));
    }

    /** Reads just the sequence number of an encoded record, without verifying it. */
    static long peekSeq(ByteBuffer record) {
        return record.order(ByteOrder.LITTLE_ENDIAN).getLong(record.position() + 8);
    }

    private ByteBuffer ensure(int length) {
        if (scratch.capacity() < length) {
            scratch = ByteBuffer.allocate(Math.max(length, Math.min(maxRecordBytes, scratch.capacity() * 2)))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        return scratch;
    }
}
