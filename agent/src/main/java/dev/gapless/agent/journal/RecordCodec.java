package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

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

    private final int maxRecordBytes;
    private final CRC32C crc = new CRC32C();
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
        int length = encodedLength(source.length, messageLength, extra.length);
        if (length > maxRecordBytes || source.length > 0xFFFF) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the cap of " + maxRecordBytes);
        }
        ByteBuffer b = ensure(length);
        b.clear();
        b.put((byte) VERSION);
        b.put((byte) kind.code());
        b.putShort((short) tags);
        b.putInt(length);
        b.putLong(seq);
        b.putLong(bootMsb);
        b.putLong(bootLsb);
        b.putLong(receivedAtNanos);
        b.putLong(eventTimeNanos);
        b.putLong(sourcePosition);
        b.putShort((short) source.length);
        b.putInt(messageLength);
        b.putInt(extra.length);
        b.put(source);
        b.put(message, messageOffset, messageLength);
        b.put(extra);
        crc.reset();
        crc.update(b.array(), 0, length - TRAILER_BYTES);
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    /**
     * Decodes and verifies one record.
     *
     * @param bytes exactly one record, from position to limit
     * @throws CorruptRecordException if its length, version, kind or CRC is wrong
     */
    public JournalRecord decode(ByteBuffer bytes) throws CorruptRecordException {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        int available = b.remaining();
        if (available < HEADER_BYTES + TRAILER_BYTES) {
            throw new CorruptRecordException("record of " + available + " bytes is shorter than a header");
        }
        if (available > maxRecordBytes) {
            throw new CorruptRecordException("record of " + available + " bytes exceeds the cap of " + maxRecordBytes);
        }
        int version = b.get(0) & 0xFF;
        if (version != VERSION) {
            throw new CorruptRecordException("unknown record format version " + version);
        }
        int length = b.getInt(4);
        if (length != available) {
            throw new CorruptRecordException("record says " + length + " bytes but holds " + available);
        }
        crc.reset();
        ByteBuffer covered = b.duplicate();
        covered.position(0).limit(length - TRAILER_BYTES);
        crc.update(covered);
        int expected = b.getInt(length - TRAILER_BYTES);
        if ((int) crc.getValue() != expected) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        RecordKind kind = RecordKind.ofCode(b.get(1) & 0xFF);
        if (kind == null) {
            throw new CorruptRecordException("unknown record kind " + (b.get(1) & 0xFF));
        }
        int sourceLen = b.getShort(56) & 0xFFFF;
        int messageLen = b.getInt(58);
        int extraLen = b.getInt(62);
        if (messageLen < 0 || extraLen < 0 || encodedLength(sourceLen, messageLen, extraLen) != length) {
            throw new CorruptRecordException("record part lengths do not add up to " + length);
        }
        byte[] source = new byte[sourceLen];
        byte[] message = new byte[messageLen];
        byte[] extra = new byte[extraLen];
        b.position(HEADER_BYTES);
        b.get(source).get(message).get(extra);
        return new JournalRecord(kind, b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40),
                b.getLong(48), b.getShort(2) & 0xFFFF, new String(source, StandardCharsets.UTF_8), message, extra,
                length);
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
