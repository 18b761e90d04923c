package dev.gapless.agent.input.file;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A file input's read positions, one per followed file: the offset just after the last line the journal made
 * durable, and the file's identity. Little-endian, replaced atomically (temp file, fsync, rename, fsync the folder).
 *
 * <p>Format v2 (written): magic {@code "GLFC"}, version u8 = 2, 3 zero bytes, entry count u32, the entries, CRC32C
 * u32 of every byte before it. An entry: fingerprint i64 (the first 8 bytes of the SHA-256 of the file's first
 * {@code prefix_len} bytes), prefix_len i32 (-1: unknown, an entry read from v1), flags u8 (bit 0: the offset is
 * inside a line already cut, whose rest up to its newline is skipped), a zero byte, path_len u16, device i64, inode
 * i64 (-1 when unknown), offset i64, then path_len bytes of the path it was last seen at (UTF-8, for the log only).
 *
 * <p>Format v1 (still read, from the single-file input): 28 bytes, magic, version u8 = 1, flags u8 (as above), 2 zero
 * bytes, inode i64, offset i64, CRC32C of the first 24 bytes. It loads as one entry of unknown fingerprint and device.
 */
final class FileCheckpoint {

    static final int MAGIC = 0x43464C47; // "GLFC" little-endian
    static final int V1_LENGTH = 28;
    static final int VERSION = 2;
    private static final int HEADER = 12;
    private static final int ENTRY = 40;
    /** More entries than this is damage: an input follows at most 65,536 files plus the ones it finishes. */
    static final int MAX_ENTRIES = 1 << 18;

    /**
     * One file's position.
     *
     * @param fingerprint hash of the file's first prefixLen bytes
     * @param prefixLen   how many bytes the fingerprint covers (less than fingerprint_bytes while the file is
     *                    shorter); -1 when unknown (from a v1 checkpoint)
     * @param device      the file's device, -1 when unknown
     * @param inode       the file's inode, -1 when unknown
     * @param offset      the position just past the last byte dealt with
     * @param discarding  the offset is inside a cut line: skip to its newline
     * @param path        where the file was last seen (for the log)
     */
    record Entry(long fingerprint, int prefixLen, long device, long inode, long offset, boolean discarding,
                 String path) {
    }

    private final Path file;
    private final boolean sync;

    FileCheckpoint(Path file, boolean sync) {
        this.file = file;
        this.sync = sync;
    }

    Path file() {
        return file;
    }

    /** @return the saved positions, or null when none were saved; a damaged file is an IOException */
    List<Entry> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        return decode(bytes, file.toString());
    }

    static List<Entry> decode(byte[] bytes, String what) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER + 4 || b.getInt(0) != MAGIC || b.get(4) != 1 && b.get(4) != VERSION) {
            throw new IOException("checkpoint " + what + " is not a file checkpoint (v1 or v2)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            throw new IOException("checkpoint " + what + " fails its CRC32C check");
        }
        if (b.get(4) == 1) {
            if (bytes.length != V1_LENGTH || b.getLong(16) < 0) {
                throw new IOException("checkpoint " + what + " is a damaged v1 file checkpoint");
            }
            return List.of(new Entry(0, -1, -1, b.getLong(8), b.getLong(16), (b.get(5) & 1) != 0, ""));
        }
        int count = b.getInt(8);
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("checkpoint " + what + " holds " + count + " entries");
        }
        List<Entry> out = new ArrayList<>(count);
        int at = HEADER;
        for (int i = 0; i < count; i++) {
            if (at + ENTRY > bytes.length - 4) {
                throw new IOException("checkpoint " + what + " ends inside entry " + i);
            }
            int pathLen = Short.toUnsignedInt(b.getShort(at + 14));
            long offset = b.getLong(at + 32);
            if (at + ENTRY + pathLen > bytes.length - 4 || offset < 0) {
                throw new IOException("checkpoint " + what + " holds a damaged entry " + i);
            }
            String path = new String(bytes, at + ENTRY, pathLen, StandardCharsets.UTF_8);
            out.add(new Entry(b.getLong(at), b.getInt(at + 8), b.getLong(at + 16), b.getLong(at + 24), offset,
                    (b.get(at + 12) & 1) != 0, path));
            at += ENTRY + pathLen;
        }
        if (at != bytes.length - 4) {
            throw new IOException("checkpoint " + what + " has bytes after its last entry");
        }
        return out;
    }

    static ByteBuffer encode(List<Entry> entries) {
        List<byte[]> paths = new ArrayList<>(entries.size());
        int size = HEADER + 4;
        for (Entry e : entries) {
            byte[] p = e.path().getBytes(StandardCharsets.UTF_8);
            if (p.length > 0xFFFF) {
                p = new byte[0]; // for the log only; a path is at most 4095 bytes on Linux anyway
            }
            paths.add(p);
            size += ENTRY + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) 0).putShort((short) 0).putInt(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] p = paths.get(i);
            b.putLong(e.fingerprint()).putInt(e.prefixLen()).put((byte) (e.discarding() ? 1 : 0)).put((byte) 0)
                    .putShort((short) p.length).putLong(e.device()).putLong(e.inode()).putLong(e.offset()).put(p);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, size - 4);
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    void save(List<Entry> entries) throws IOException {
        DurableFiles.replace(file, encode(entries), sync);
    }
}
