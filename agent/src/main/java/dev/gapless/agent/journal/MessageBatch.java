package dev.gapless.agent.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Messages of one source that share a receive time, held back to back in one byte array: what an input appends
 * in one go ({@link Journal#append(MessageBatch)}) without an object per message. Reused read after read by its
 * owner (one TCP connection); it grows to the largest read seen and never shrinks. Not thread-safe.
 */
public final class MessageBatch {

    private static final int INITIAL_MESSAGES = 256;

    private byte[] data;
    private int length;
    private int count;
    private int[] offsets = new int[INITIAL_MESSAGES];
    private int[] lengths = new int[INITIAL_MESSAGES];
    private int[] tags = new int[INITIAL_MESSAGES];
    private String source = "";
    private byte[] sourceBytes = new byte[0];
    private long receivedAtNanos;

    public MessageBatch(int initialBytes) {
        this.data = new byte[initialBytes];
    }

    public void clear() {
        length = 0;
        count = 0;
    }

    /**
     * Adds a message of {@code n} bytes and returns its offset in {@link #array()}, where the caller copies it
     * (the array may have been replaced: read it after this call).
     */
    public int add(int n, int messageTags) {
        if (count == offsets.length) {
            int more = count * 2;
            offsets = Arrays.copyOf(offsets, more);
            lengths = Arrays.copyOf(lengths, more);
            tags = Arrays.copyOf(tags, more);
        }
        if (length + n > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + n));
        }
        int at = length;
        offsets[count] = at;
        lengths[count] = n;
        tags[count] = messageTags;
        count++;
        length += n;
        return at;
    }

    /** Shortens the last message added to {@code n} bytes (e.g. a cut that must not split a character). */
    public void shortenLast(int n) {
        int last = count - 1;
        length -= lengths[last] - n;
        lengths[last] = n;
    }

    public byte[] array() {
        return data;
    }

    public int size() {
        return count;
    }

    /** The message bytes held (without any record overhead). */
    public int messageBytes() {
        return length;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public int tags(int i) {
        return tags[i];
    }

    public void addTags(int i, int more) {
        tags[i] |= more;
    }

    /** The input id every message of the batch comes from; its UTF-8 bytes are kept while it stays the same. */
    public void source(String id) {
        if (!id.equals(source)) {
            source = id;
            sourceBytes = id.getBytes(StandardCharsets.UTF_8);
        }
    }

    public String source() {
        return source;
    }

    byte[] sourceBytes() {
        return sourceBytes;
    }

    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    public void receivedAtNanos(long nanos) {
        this.receivedAtNanos = nanos;
    }

    /** A copy that owns its bytes, for a batch that must wait (the original is reused at the next read). */
    public MessageBatch copy() {
        MessageBatch c = new MessageBatch(Math.max(1, length));
        System.arraycopy(data, 0, c.data, 0, length);
        c.length = length;
        c.count = count;
        c.offsets = Arrays.copyOf(offsets, Math.max(1, count));
        c.lengths = Arrays.copyOf(lengths, Math.max(1, count));
        c.tags = Arrays.copyOf(tags, Math.max(1, count));
        c.source = source;
        c.sourceBytes = sourceBytes;
        c.receivedAtNanos = receivedAtNanos;
        return c;
    }
}
