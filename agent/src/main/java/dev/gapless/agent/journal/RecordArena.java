package dev.gapless.agent.journal;

/**
 * Where a reader puts the message and extra bytes of the records of one batch, back to back, so a batch costs one
 * reused array instead of arrays per record (an output holds two batches of up to {@code batch.max_events} while
 * one is sent and the next read; per-record arrays were most of its garbage and were promoted). When the array is
 * full a bigger one is started and the records already read keep the old one, so a record stays valid until its
 * owner {@link #reset() resets} the arena. One owner thread.
 */
public final class RecordArena {

    private byte[] buf;
    private int length;

    public RecordArena(int initialBytes) {
        this.buf = new byte[initialBytes];
    }

    /** Makes all the space reusable: every record read into the arena before is invalid from now on. */
    public void reset() {
        length = 0;
    }

    /** Room for {@code n} more bytes; returns where they go in {@link #array()} (read it after this call). */
    int reserve(int n) {
        if (length + n > buf.length) {
            buf = new byte[Math.max(buf.length * 2, n)]; // the old array stays with the records that use it
            length = 0;
        }
        int at = length;
        length += n;
        return at;
    }

    byte[] array() {
        return buf;
    }
}
