package dev.gapless.agent.input.journald;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A journald input's position: the cursor of the last entry the journal made durable, or "from the journal's
 * beginning" when no entry was taken yet (the first run of {@code start_at: beginning}, or of {@code start_at: end}
 * on an empty journal). Format in the package docs; replaced atomically (temp file, fsync, rename, fsync the folder).
 */
final class JournaldCheckpoint {

    static final int MAGIC = 0x434A4C47; // "GLJC" little-endian
    static final int VERSION = 1;
    private static final int HEADER = 12;
    /** A longer cursor is damage: systemd's are about 130 bytes. */
    static final int MAX_CURSOR = 4096;

    /**
     * Where to resume.
     *
     * @param cursor after this entry; null: from the journal's beginning
     */
    record Position(String cursor) {
        static final Position BEGINNING = new Position(null);
    }

    private final Path file;
    private final boolean sync;

    JournaldCheckpoint(Path file, boolean sync) {
        this.file = file;
        this.sync = sync;
    }

    Path file() {
        return file;
    }

    /** @return the saved position, or null when none was saved; a damaged file is an IOException */
    Position load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        return decode(bytes, file.toString());
    }

    static Position decode(byte[] bytes, String what) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER + 4 || b.getInt(0) != MAGIC || b.get(4) != VERSION) {
            throw new IOException("checkpoint " + what + " is not a journald checkpoint (v1)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            throw new IOException("checkpoint " + what + " fails its CRC32C check");
        }
        boolean hasCursor = (b.get(5) & 1) != 0;
        int length = b.getInt(8);
        if (length < 0 || length > MAX_CURSOR || HEADER + length + 4 != bytes.length || !hasCursor && length != 0) {
            throw new IOException("checkpoint " + what + " holds a damaged cursor");
        }
        return hasCursor ? new Position(new String(bytes, HEADER, length, StandardCharsets.UTF_8)) : Position.BEGINNING;
    }

    static ByteBuffer encode(Position p) {
        byte[] cursor = p.cursor() == null ? new byte[0] : p.cursor().getBytes(StandardCharsets.UTF_8);
        if (cursor.length > MAX_CURSOR) {
            throw new IllegalArgumentException("a cursor of " + cursor.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + cursor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) (p.cursor() == null ? 0 : 1)).putShort((short) 0)
                .putInt(cursor.length).put(cursor);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    void save(Position p) throws IOException {
        DurableFiles.replace(file, encode(p), sync);
    }
}
