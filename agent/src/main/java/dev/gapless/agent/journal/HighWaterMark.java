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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's high-water mark: a seq no lower than any seq a reader may have delivered, kept outside the segment
 * files, so that a data file cut short (the newest one often, which nothing after it can vouch for) never lets a
 * seq be issued twice. The journal moves it before its durable point passes it: forced to disk first under
 * {@code batch} and {@code fsync}, written to the page cache only under {@code none} (which survives the agent's
 * crash, not the machine's).
 *
 * <p>File v1, {@code <journal>/highwater}, 1024 bytes: two slots of 512 bytes (one disk sector each), written in
 * turn and in place, so a write torn by a power loss spoils one slot and leaves the other, older and lower, whole.
 * A slot: magic {@code "GLHW"} (4), version u8 = 1, three zero bytes, seq i64, four reserved zero bytes, CRC32C u32
 * of the slot's first 20 bytes; the rest of the slot zero. The mark is the higher seq of the slots that pass their
 * checks. Pinned by {@code golden/highwater-v1.hex}.
 */
final class HighWaterMark implements AutoCloseable {

    static final String FILE_NAME = "highwater";
    static final int MAGIC = 0x57484C47; // "GLHW" little-endian
    static final int VERSION = 1;
    static final int SLOT_BYTES = 512;
    static final int FILE_BYTES = 2 * SLOT_BYTES;
    private static final int ENTRY_BYTES = 24;
    private static final Logger log = LoggerFactory.getLogger(HighWaterMark.class);

    private final Path file;
    private final FileChannel channel;
    private final boolean sync;
    // Only the thread that moves the durable point (the syncer; under none, the appender under the write lock).
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long value;
    private int nextSlot;

    private HighWaterMark(Path file, FileChannel channel, boolean sync, long value, int nextSlot) {
        this.file = file;
        this.channel = channel;
        this.sync = sync;
        this.value = value;
        this.nextSlot = nextSlot;
    }

    /**
     * @return the mark a previous run left in {@code dir}, or 0 when there is none; a file whose slots both fail
     *         their checks is logged and read as 0 (the segments and cursors still bound the head)
     */
    static long read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            log.error("journal: cannot read the high-water mark {}: {}; the head comes from the segments and cursors "
                    + "alone", file, e.toString());
            return 0;
        }
        long a = decodeSlot(bytes, 0);
        long b = decodeSlot(bytes, SLOT_BYTES);
        if (a < 0 && b < 0 && bytes.length > 0) {
            log.error("journal: the high-water mark {} is damaged ({} bytes, no slot passes its checks); the head "
                    + "comes from the segments and cursors alone", file, bytes.length);
        }
        return Math.max(0, Math.max(a, b));
    }

    /**
     * Opens the mark in {@code dir} for writing, creating it (owner-only) when missing, and raises it to
     * {@code atLeast} at once.
     *
     * @param sync force every move to disk (durability batch and fsync)
     */
    static HighWaterMark open(Path dir, long atLeast, boolean sync) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        boolean created = Files.notExists(file);
        long a = -1;
        long b = -1;
        if (!created) {
            byte[] bytes = Files.readAllBytes(file);
            a = decodeSlot(bytes, 0);
            b = decodeSlot(bytes, SLOT_BYTES);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (created) {
                DurableFiles.restrict(file);
                ch.write(ByteBuffer.allocate(FILE_BYTES), 0);
                if (sync) {
                    ch.force(true);
                    DurableFiles.fsyncDirectory(dir);
                }
            }
            // Overwrite the lower (or damaged) slot first, so the higher one stays whole until the next move.
            HighWaterMark mark = new HighWaterMark(file, ch, sync, Math.max(0, Math.max(a, b)), a <= b ? 0 : 1);
            if (created) {
                mark.write(Math.max(0, atLeast));
            } else {
                mark.advance(atLeast);
            }
            return mark;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    long value() {
        return value;
    }

    /** Raises the mark to {@code seq} (no-op if it is there already); durable on return when {@code sync}. */
    void advance(long seq) throws IOException {
        if (seq > value) {
            write(seq);
        }
    }

    private void write(long seq) throws IOException {
        ByteBuffer b = encode(seq);
        long at = (long) nextSlot * SLOT_BYTES;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        if (sync) {
            channel.force(false);
        }
        value = Math.max(value, seq);
        nextSlot ^= 1;
    }

    ByteBuffer encode(long seq) {
        entry.clear();
        entry.putInt(MAGIC).put((byte) VERSION).put((byte) 0).putShort((short) 0).putLong(seq).putInt(0);
        crc.reset();
        crc.update(entry.array(), 0, 20);
        entry.putInt((int) crc.getValue());
        entry.flip();
        return entry;
    }

    /** @return the slot's seq, or -1 if the slot is missing or fails a check */
    static long decodeSlot(byte[] bytes, int at) {
        if (bytes.length < at + ENTRY_BYTES) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, at, ENTRY_BYTES).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC || (b.get(4) & 0xFF) != VERSION) {
            return -1;
        }
        CRC32C c = new CRC32C();
        c.update(bytes, at, 20);
        if ((int) c.getValue() != b.getInt(20)) {
            return -1;
        }
        long seq = b.getLong(8);
        return seq < 0 ? -1 : seq;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("journal: closing {}: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
