package dev.gapless.agent.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Events of one source that share a receive time, their messages held back to back in one byte array: the one
 * batch type an input appends ({@link Journal#append(MessageBatch)}), without an object per event. Each event may
 * also carry structured fields (a UTF-8 JSON object, written as the record's extra part), a source position and an
 * event time; a batch that never sets them (the TCP input's) allocates nothing for them. Reused read after read by
 * its owner (one TCP connection, one file tailer); it grows to the largest read seen and never shrinks. Not
 * thread-safe.
 */
public final class MessageBatch {

    private static final int INITIAL_MESSAGES = 256;
    /** "No event time of its own": the record's event time is the batch's receive time. */
    private static final long NO_TIME = Long.MIN_VALUE;

    private byte[] data;
    private int length;
    private int count;
    private int[] offsets = new int[INITIAL_MESSAGES];
    private int[] lengths = new int[INITIAL_MESSAGES];
    private int[] tags = new int[INITIAL_MESSAGES];
    // The optional parts: null until a message of this batch (since it was made) set one; then one entry each.
    private byte[] fieldData;
    private int fieldBytes;
    private int[] fieldOffsets;
    private int[] fieldLengths;
    private long[] positions;
    private long[] eventTimes;
    private List<String>[] freeTags;
    private String source = "";
    private byte[] sourceBytes = new byte[0];
    private long receivedAtNanos;
    // Bumped by every clear and add: the same batch at the same version holds the same messages.
    private long version;

    public MessageBatch(int initialBytes) {
        this.data = new byte[initialBytes];
    }

    public void clear() {
        version++;
        length = 0;
        count = 0;
        fieldBytes = 0;
    }

    /**
     * Adds a message of {@code n} bytes and returns its offset in {@link #array()}, where the caller copies it
     * (the array may have been replaced: read it after this call). It has no fields, no source position and the
     * batch's receive time as its event time until {@link #fieldsOfLast}, {@link #positionOfLast} or
     * {@link #eventTimeOfLast} say otherwise.
     */
    public int add(int n, int messageTags) {
        version++;
        if (count == offsets.length) {
            grow(count * 2);
        }
        if (length + n > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + n));
        }
        int at = length;
        offsets[count] = at;
        lengths[count] = n;
        tags[count] = messageTags;
        if (fieldLengths != null) {
            fieldLengths[count] = 0;
        }
        if (positions != null) {
            positions[count] = -1;
        }
        if (eventTimes != null) {
            eventTimes[count] = NO_TIME;
        }
        if (freeTags != null) {
            freeTags[count] = List.of();
        }
        count++;
        length += n;
        return at;
    }

    /** Adds {@code message[from, from + n)} as a message; see {@link #add(int, int)}. */
    public void add(byte[] message, int from, int n, int messageTags) {
        int at = add(n, messageTags);
        System.arraycopy(message, from, data, at, n);
    }

    private void grow(int more) {
        offsets = Arrays.copyOf(offsets, more);
        lengths = Arrays.copyOf(lengths, more);
        tags = Arrays.copyOf(tags, more);
        if (fieldLengths != null) {
            fieldOffsets = Arrays.copyOf(fieldOffsets, more);
            fieldLengths = Arrays.copyOf(fieldLengths, more);
        }
        if (positions != null) {
            positions = Arrays.copyOf(positions, more);
        }
        if (eventTimes != null) {
            eventTimes = Arrays.copyOf(eventTimes, more);
        }
        if (freeTags != null) {
            freeTags = Arrays.copyOf(freeTags, more);
        }
    }

    /** Shortens the last message added to {@code n} bytes (e.g. a cut that must not split a character). */
    public void shortenLast(int n) {
        int last = count - 1;
        length -= lengths[last] - n;
        lengths[last] = n;
    }

    /**
     * Gives the last message added the structured fields {@code json[from, from + n)}: a UTF-8 JSON object, written
     * as is into its record's extra part (the same bytes an {@code Event}'s fields become). Copied.
     */
    public void fieldsOfLast(byte[] json, int from, int n) {
        int last = count - 1;
        if (fieldLengths == null) {
            fieldOffsets = new int[offsets.length];
            fieldLengths = new int[offsets.length]; // zeros: the messages before have none
            fieldData = new byte[Math.max(256, n)];
        }
        if (fieldBytes + n > fieldData.length) {
            fieldData = Arrays.copyOf(fieldData, Math.max(fieldData.length * 2, fieldBytes + n));
        }
        System.arraycopy(json, from, fieldData, fieldBytes, n);
        fieldOffsets[last] = fieldBytes;
        fieldLengths[last] = n;
        fieldBytes += n;
    }

    /** Gives the last message added where in its source it came from (e.g. the file offset just past the line). */
    public void positionOfLast(long position) {
        if (positions == null) {
            positions = new long[offsets.length];
            Arrays.fill(positions, -1);
        }
        positions[count - 1] = position;
    }

    /** Gives the last message added its own event time (epoch ns, when it happened according to its source). */
    public void eventTimeOfLast(long nanos) {
        if (eventTimes == null) {
            eventTimes = new long[offsets.length];
            Arrays.fill(eventTimes, NO_TIME);
        }
        eventTimes[count - 1] = nanos;
    }

    /**
     * Gives the last message added free-form tags (a filter's {@code _grokparsefailure}), besides its {@link #tags}
     * bits; copied. Written as the record's tags part (record format v2).
     */
    @SuppressWarnings("unchecked")
    public void freeTagsOfLast(List<String> names) {
        if (freeTags == null) {
            freeTags = new List[offsets.length];
            Arrays.fill(freeTags, List.of());
        }
        freeTags[count - 1] = List.copyOf(names);
    }

    /** Message {@code i}'s free-form tags; empty when it has none. */
    public List<String> freeTags(int i) {
        return freeTags == null ? List.of() : freeTags[i];
    }

    /** Whether any message of the batch has free-form tags. */
    public boolean hasFreeTags() {
        if (freeTags != null) {
            for (int i = 0; i < count; i++) {
                if (!freeTags[i].isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Changes with every {@link #clear} and {@link #add}: a batch offered again at the same version holds what it
     * held (the ingest port then reuses what its filters made of it, rather than filtering it twice).
     */
    public long version() {
        return version;
    }

    public byte[] array() {
        return data;
    }

    public int size() {
        return count;
    }

    /** The message bytes held (without fields or any record overhead). */
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

    /** The array message {@code i}'s fields are in (at {@link #fieldsOffset}); empty when no message has any. */
    public byte[] fieldsArray() {
        return fieldData == null ? Journal.EMPTY : fieldData;
    }

    public int fieldsOffset(int i) {
        return fieldLengths == null ? 0 : fieldOffsets[i];
    }

    /** The length of message {@code i}'s fields; 0: none. */
    public int fieldsLength(int i) {
        return fieldLengths == null ? 0 : fieldLengths[i];
    }

    /** Where in its source message {@code i} came from, or -1. */
    public long position(int i) {
        return positions == null ? -1 : positions[i];
    }

    /** Message {@code i}'s event time: its own, else the batch's receive time. */
    public long eventTimeNanos(int i) {
        if (eventTimes == null || eventTimes[i] == NO_TIME) {
            return receivedAtNanos;
        }
        return eventTimes[i];
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
        int n = Math.max(1, count);
        System.arraycopy(data, 0, c.data, 0, length);
        c.length = length;
        c.count = count;
        c.offsets = Arrays.copyOf(offsets, n);
        c.lengths = Arrays.copyOf(lengths, n);
        c.tags = Arrays.copyOf(tags, n);
        if (fieldLengths != null) {
            c.fieldData = Arrays.copyOf(fieldData, Math.max(1, fieldBytes));
            c.fieldBytes = fieldBytes;
            c.fieldOffsets = Arrays.copyOf(fieldOffsets, n);
            c.fieldLengths = Arrays.copyOf(fieldLengths, n);
        }
        c.positions = positions == null ? null : Arrays.copyOf(positions, n);
        c.eventTimes = eventTimes == null ? null : Arrays.copyOf(eventTimes, n);
        c.freeTags = freeTags == null ? null : Arrays.copyOf(freeTags, n);
        c.source = source;
        c.sourceBytes = sourceBytes;
        c.receivedAtNanos = receivedAtNanos;
        return c;
    }
}
