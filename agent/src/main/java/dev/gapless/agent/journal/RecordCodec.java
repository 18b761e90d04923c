package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes and decodes journal record formats v1 and v2 (the layouts are documented in {@code package-info.java}):
 * v1 for a record without free-form tags, v2 (v1 plus a tags part) for one with them. Not thread-safe: one
 * instance per thread, since it reuses its scratch buffer.
 */
public final class RecordCodec {

    /** The format version of a record without free-form tags. */
    public static final int VERSION = 1;
    /** The format version of a record with free-form tags: v1 plus a tags part. */
    public static final int VERSION_TAGGED = 2;
    /** Fixed header bytes before the variable parts (v1). */
    public static final int HEADER_BYTES = 66;
    /** Fixed header bytes of a v2 record: v1's plus the u16 length of the tags part. */
    public static final int HEADER_BYTES_V2 = 68;
    /** The most free-form tags a record holds: further ones are not written. */
    public static final int MAX_FREE_TAGS = 32;
    /** The longest free-form tag written, in chars: a longer one is cut to this many. */
    public static final int MAX_FREE_TAG_CHARS = 128;
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

    /** The encoded size of a v2 record: {@code tagsPart} from {@link #tagsPart}, never empty. */
    public static int encodedLength(int sourceBytes, int messageBytes, int extraBytes, byte[] tagsPart) {
        return HEADER_BYTES_V2 + sourceBytes + messageBytes + extraBytes + tagsPart.length + TRAILER_BYTES;
    }

    /**
     * The tags part of a v2 record: each name as a u16 byte length and its UTF-8 bytes. Bounded: the first
     * {@link #MAX_FREE_TAGS} names only, each cut to {@link #MAX_FREE_TAG_CHARS} chars (not inside a surrogate
     * pair), so the part is at most 32 x (2 + 384) bytes and always fits its u16 length.
     *
     * @return empty when there are no names (the record is then written as v1)
     */
    public static byte[] tagsPart(List<String> names) {
        if (names.isEmpty()) {
            return Journal.EMPTY;
        }
        int n = Math.min(names.size(), MAX_FREE_TAGS);
        byte[][] encoded = new byte[n][];
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            String t = names.get(i);
            if (t.length() > MAX_FREE_TAG_CHARS) {
                int cut = Character.isHighSurrogate(t.charAt(MAX_FREE_TAG_CHARS - 1))
                        ? MAX_FREE_TAG_CHARS - 1 : MAX_FREE_TAG_CHARS;
                t = t.substring(0, cut);
            }
            encoded[i] = t.getBytes(StandardCharsets.UTF_8);
            bytes += 2 + encoded[i].length;
        }
        byte[] part = new byte[bytes];
        int at = 0;
        for (byte[] e : encoded) {
            SHORTS.set(part, at, (short) e.length);
            System.arraycopy(e, 0, part, at + 2, e.length);
            at += 2 + e.length;
        }
        return part;
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
     * As above with free-form tags: a v2 record when {@code tagsPart} (from {@link #tagsPart}) is not empty, else
     * the same v1 bytes.
     */
    public ByteBuffer encode(RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                             long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message,
                             byte[] extra, byte[] tagsPart) {
        if (tagsPart.length == 0) {
            return encode(kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                    message, extra);
        }
        int length = checkedLength(encodedLength(source.length, message.length, extra.length, tagsPart), source);
        ByteBuffer b = ensure(length);
        b.clear();
        putHeader(b.array(), kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source,
                length, message.length, extra.length);
        putV2(b.array(), source, tagsPart.length);
        b.position(HEADER_BYTES_V2 + source.length);
        b.put(message);
        b.put(extra);
        b.put(tagsPart);
        crc.reset();
        crc.update(b.array(), 0, length - TRAILER_BYTES);
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    /**
     * Encodes one v2 record (free-form tags: {@code tagsPart} from {@link #tagsPart}, not empty) straight into
     * {@code out}, as {@link #encodeTo} does a v1 record.
     *
     * @return the record's length
     * @throws IllegalArgumentException if the record exceeds the length cap; nothing was written
     */
    int encodeTaggedTo(Bytes<?> out, RecordKind kind, long seq, long bootMsb, long bootLsb, long receivedAtNanos,
                       long eventTimeNanos, long sourcePosition, int tags, byte[] source, byte[] message,
                       int messageOffset, int messageLength, byte[] extra, int extraOffset, int extraLength,
                       byte[] tagsPart) {
        int length = checkedLength(encodedLength(source.length, messageLength, extraLength, tagsPart), source);
        byte[] h = writeHeader;
        if (h.length < HEADER_BYTES_V2 + source.length + TRAILER_BYTES) {
            h = writeHeader = new byte[HEADER_BYTES_V2 + source.length + TRAILER_BYTES];
        }
        int head = HEADER_BYTES_V2 + source.length;
        putHeader(h, kind, seq, bootMsb, bootLsb, receivedAtNanos, eventTimeNanos, sourcePosition, tags, source, length,
                messageLength, extraLength);
        putV2(h, source, tagsPart.length);
        crc.reset();
        crc.update(h, 0, head);
        crc.update(message, messageOffset, messageLength);
        crc.update(extra, extraOffset, extraLength);
        crc.update(tagsPart, 0, tagsPart.length);
        INTS.set(h, head, (int) crc.getValue());
        out.write(h, 0, head);
        out.write(message, messageOffset, messageLength);
        out.write(extra, extraOffset, extraLength);
        out.write(tagsPart, 0, tagsPart.length);
        out.write(h, head, TRAILER_BYTES);
        return length;
    }

    /** Turns the v1 header {@link #putHeader} wrote at {@code b[0]} into a v2 one: version, tags length, source. */
    private static void putV2(byte[] b, byte[] source, int tagsLength) {
        b[0] = (byte) VERSION_TAGGED;
        SHORTS.set(b, HEADER_BYTES, (short) tagsLength);
        System.arraycopy(source, 0, b, HEADER_BYTES_V2, source.length);
    }

    private int checkedLength(int length, byte[] source) {
        if (length > maxRecordBytes || source.length > 0xFFFF) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the cap of " + maxRecordBytes);
        }
        return length;
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
        boolean tagged = b[off] == VERSION_TAGGED;
        int tagsLen = tagged ? u16(b, off + HEADER_BYTES) : 0;
        crc.reset();
        crc.update(b, off, length - TRAILER_BYTES);
        if ((int) crc.getValue() != i32(b, off + length - TRAILER_BYTES)) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        int at = off + (tagged ? HEADER_BYTES_V2 : HEADER_BYTES);
        String source = source(b, at, sourceLen);
        at += sourceLen;
        byte[] data = Arrays.copyOfRange(b, at, at + messageLen + extraLen);
        List<String> freeTags = tagged ? freeTags(b, at + messageLen + extraLen, tagsLen) : List.of();
        return record(b, off, source, data, 0, messageLen, extraLen, length, freeTags);
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
        if (h[0] == VERSION_TAGGED) {
            return decodeTagged(in, available, arena);
        }
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
        return record(h, 0, source(h, HEADER_BYTES, sourceLen), data, at, messageLen, extraLen, length, List.of());
    }

    /** {@link #decode(Bytes, int, RecordArena)} of a v2 record, whose first {@link #HEADER_BYTES} were read. */
    private JournalRecord decodeTagged(Bytes<?> in, int available, RecordArena arena) throws CorruptRecordException {
        if (available < HEADER_BYTES_V2 + TRAILER_BYTES) {
            throw new CorruptRecordException("record of " + available + " bytes is shorter than a v2 header");
        }
        byte[] h = header;
        in.read(h, HEADER_BYTES, HEADER_BYTES_V2 - HEADER_BYTES);
        int length = checkHeader(h, 0, available);
        int sourceLen = u16(h, 56);
        int messageLen = i32(h, 58);
        int extraLen = i32(h, 62);
        int tagsLen = u16(h, HEADER_BYTES);
        int head = HEADER_BYTES_V2 + sourceLen;
        if (head + tagsLen + TRAILER_BYTES > h.length) {
            h = header = Arrays.copyOf(h, head + tagsLen + TRAILER_BYTES);
        }
        in.read(h, HEADER_BYTES_V2, sourceLen);
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
        in.read(h, head, tagsLen + TRAILER_BYTES); // the tags part lies after the source in h, then the CRC
        crc.reset();
        crc.update(h, 0, head);
        crc.update(data, at, parts);
        crc.update(h, head, tagsLen);
        if ((int) crc.getValue() != i32(h, head + tagsLen)) {
            throw new CorruptRecordException("CRC32C mismatch");
        }
        return record(h, 0, source(h, HEADER_BYTES_V2, sourceLen), data, at, messageLen, extraLen, length,
                freeTags(h, head, tagsLen));
    }

    /** The names of a v2 tags part {@code b[at, at + n)}, whose CRC was checked. */
    private static List<String> freeTags(byte[] b, int at, int n) throws CorruptRecordException {
        List<String> names = new ArrayList<>(4);
        int end = at + n;
        while (at < end) {
            int len = at + 2 <= end ? u16(b, at) : -1;
            if (len < 0 || at + 2 + len > end || names.size() == MAX_FREE_TAGS) {
                throw new CorruptRecordException("malformed tags part");
            }
            names.add(new String(b, at + 2, len, StandardCharsets.UTF_8));
            at += 2 + len;
        }
        if (names.isEmpty()) {
            throw new CorruptRecordException("empty tags part");
        }
        return List.copyOf(names);
    }

    /** Checks length, version, kind and part lengths of the header at {@code b[off]}; returns the length. */
    private int checkHeader(byte[] b, int off, int available) throws CorruptRecordException {
        if (available > maxRecordBytes) {
            throw new CorruptRecordException("record of " + available + " bytes exceeds the cap of " + maxRecordBytes);
        }
        int version = b[off] & 0xFF;
        if (version != VERSION && version != VERSION_TAGGED) {
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
        long expected = version == VERSION
                ? encodedLength(sourceLen, messageLen, extraLen)
                : (long) HEADER_BYTES_V2 + sourceLen + messageLen + extraLen + u16(b, off + HEADER_BYTES)
                        + TRAILER_BYTES;
        if (messageLen < 0 || extraLen < 0 || expected != length) {
            throw new CorruptRecordException("record part lengths do not add up to " + length);
        }
        return length;
    }

    private static JournalRecord record(byte[] h, int off, String source, byte[] data, int at, int messageLen,
                                        int extraLen, int length, List<String> freeTags) {
        return new JournalRecord(RecordKind.ofCode(h[off + 1] & 0xFF), i64(h, off + 8), i64(h, off + 16),
                i64(h, off + 24), i64(h, off + 32), i64(h, off + 40), i64(h, off + 48), u16(h, off + 2), source,
                data, at, messageLen, at + messageLen, extraLen, length, freeTags);
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
