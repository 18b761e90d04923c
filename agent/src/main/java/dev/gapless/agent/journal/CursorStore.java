package dev.gapless.agent.journal;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Persists one output's cursor: the last seq its destination acknowledged. Format v1, 24 bytes,
 * little-endian: magic {@code "GLCR"} (4), version u8 = 1, 3 zero bytes, seq i64, 4 reserved zero bytes,
 * CRC32C of the first 20 bytes (u32). Each commit replaces the file atomically ({@link DurableFiles#replace}).
 * A file that fails its checks is reported, never read as zero: the caller decides (the agent then resends
 * what the journal still holds: duplicates, never loss).
 */
public final class CursorStore {

    static final int MAGIC = 0x52434C47; // "GLCR" little-endian
    static final int VERSION = 1;
    static final int LENGTH = 24;

    private final Path file;
    private final boolean sync;
    private final ByteBuffer buf = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /**
     * @param sync force each commit to disk (durability batch and fsync); without it a commit survives a
     *             crash of the agent, not of the machine
     */
    public CursorStore(Path file, boolean sync) {
        this.file = file;
        this.sync = sync;
    }

    public Path file() {
        return file;
    }

    /**
     * @return the committed seq, or 0 when no cursor was ever committed
     * @throws IOException if the file exists but is damaged
     */
    public long load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
        return decode(bytes, file.toString());
    }

    /** Records {@code seq} as acknowledged. Only the owning output's worker thread calls this. */
    public void commit(long seq) throws IOException {
        DurableFiles.replace(file, encode(seq), sync);
    }

    ByteBuffer encode(long seq) {
        buf.clear();
        buf.putInt(MAGIC).put((byte) VERSION).put((byte) 0).putShort((short) 0).putLong(seq).putInt(0);
        crc.reset();
        crc.update(buf.array(), 0, 20);
        buf.putInt((int) crc.getValue());
        buf.flip();
        return buf;
    }

    static long decode(byte[] bytes, String name) throws IOException {
        if (bytes.length != LENGTH) {
            throw new IOException("cursor file " + name + " is " + bytes.length + " bytes, expected " + LENGTH);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new IOException("cursor file " + name + " does not start with GLCR");
        }
        if ((b.get(4) & 0xFF) != VERSION) {
            throw new IOException("cursor file " + name + " has unknown version " + (b.get(4) & 0xFF));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 20);
        if ((int) crc.getValue() != b.getInt(20)) {
            throw new IOException("cursor file " + name + " fails its CRC32C check");
        }
        long seq = b.getLong(8);
        if (seq < 0) {
            throw new IOException("cursor file " + name + " holds a negative seq " + seq);
        }
        return seq;
    }
}
