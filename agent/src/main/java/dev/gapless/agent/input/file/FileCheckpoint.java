package dev.gapless.agent.input.file;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A file input's read position: the offset just after the last line the journal made durable, and the
 * identity (inode) of the file it belongs to. Format v1, 28 bytes little-endian: magic {@code "GLFC"},
 * version u8 = 1, flags u8 (bit 0: the offset is inside a line already cut, whose rest up to its newline is to
 * be skipped; files written before the flag existed hold 0 there), 2 zero bytes, inode i64, offset i64,
 * CRC32C of the first 24 bytes. Replaced atomically.
 */
final class FileCheckpoint {

    static final int MAGIC = 0x43464C47; // "GLFC" little-endian
    static final int LENGTH = 28;

    /**
     * @param inode      the file's inode, or -1 when unknown
     * @param offset     the position just past the last byte dealt with
     * @param discarding the offset is inside a cut line: skip to its newline
     */
    record Position(long inode, long offset, boolean discarding) {
    }

    private final Path file;
    private final boolean sync;

    FileCheckpoint(Path file, boolean sync) {
        this.file = file;
        this.sync = sync;
    }

    /** @return the saved position, or null when none was saved; a damaged file is an IOException */
    Position load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        if (bytes.length != LENGTH || b.getInt(0) != MAGIC || b.get(4) != 1) {
            throw new IOException("checkpoint " + file + " is not a v1 file checkpoint");
        }
        crc.update(bytes, 0, 24);
        if ((int) crc.getValue() != b.getInt(24)) {
            throw new IOException("checkpoint " + file + " fails its CRC32C check");
        }
        if (b.getLong(16) < 0) {
            throw new IOException("checkpoint " + file + " holds a negative offset");
        }
        return new Position(b.getLong(8), b.getLong(16), (b.get(5) & 1) != 0);
    }

    void save(Position p) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) 1).put((byte) (p.discarding() ? 1 : 0)).putShort((short) 0).putLong(p.inode())
                .putLong(p.offset());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24);
        b.putInt((int) crc.getValue());
        b.flip();
        DurableFiles.replace(file, b, sync);
    }
}
