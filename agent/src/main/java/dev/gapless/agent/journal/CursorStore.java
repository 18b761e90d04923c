package dev.gapless.agent.journal;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Persists one output's cursor: the last seq its destination acknowledged. Format v1, 24 bytes,
 * little-endian: magic {@code "GLCR"} (4), version u8 = 1, 3 zero bytes, seq i64, 4 reserved zero bytes,
 * CRC32C of the first 20 bytes (u32). The first commit of a run creates the file whole ({@link DurableFiles#replace}:
 * a crash leaves the old file or the new one); the later ones rewrite its 24 bytes in place, one {@code pwrite} at
 * offset 0 and one {@code fdatasync}, instead of a temp file, two forces and a rename per commit (3-5 ms on a
 * common disk, which capped an output at ~200 commits, so batches, a second). 24 bytes at the start of a file lie
 * in one disk sector, which devices write whole; a file damaged all the same fails its CRC. A file that fails its
 * checks is reported, never read as zero: the caller decides (the agent then resends what the journal still holds:
 * duplicates, never loss).
 */
public final class CursorStore implements AutoCloseable {

    static final int MAGIC = 0x52434C47; // "GLCR" little-endian
    static final int VERSION = 1;
    static final int LENGTH = 24;

    private final Path file;
    private final boolean sync;
    private final ByteBuffer buf = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    // The file as this run created it, kept open for in-place commits; null before the first commit of the run and
    // after a failed one (the next one creates the file whole again).
    private FileChannel channel;

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
        ByteBuffer b = encode(seq);
        if (channel == null) {
            DurableFiles.replace(file, b, sync);
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            return;
        }
        try {
            long at = 0;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            if (sync) {
                channel.force(false);
            }
        } catch (IOException e) {
            close(); // an interrupted write closed it; any other failure: the next commit starts from a fresh file
            throw e;
        }
    }

    /** Releases the file kept open for commits; a later commit opens it again. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // only written through; what was forced is on disk
            }
            channel = null;
        }
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
