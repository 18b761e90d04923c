package dev.gapless.agent.filter;

import dev.gapless.agent.event.Tags;
import dev.gapless.config.FieldPath;
import dev.gapless.config.condition.Condition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event as the filter chain sees it: its source, its message, its tree of fields, its tags and its event time.
 * Parts are read from the batch only when a filter first asks for them (the message decoded from UTF-8, the fields
 * parsed from JSON), and written back only if a filter changed them, so a chain that only reads costs no
 * re-encoding and the original bytes stay as they arrived. Reused event after event by one sender's chain; not
 * thread-safe.
 *
 * <p>Paths: {@code message} (a string), {@code source} and {@code tags} (read only), {@code fields} (the whole
 * tree) and {@code fields.a.b} (a value in it).
 */
public final class FilterEvent implements Condition.Subject {

    /** Free-form tags one event may carry, at most; a tag past this is not added (the filter's work still is). */
    public static final int MAX_TAGS = 32;
    /** The longest tag kept; a longer one is cut to this many characters. */
    public static final int MAX_TAG_CHARS = 128;

    private String source;
    private byte[] messageBytes;
    private int messageFrom;
    private int messageLength;
    private String message; // decoded on first read, or as set
    private boolean messageChanged;

    private byte[] fieldBytes;
    private int fieldsFrom;
    private int fieldsLength;
    private Map<String, Object> fields; // parsed on first read, or as set
    private boolean fieldsChanged;
    private boolean fieldsUnreadable;

    private int tagBits;
    private final List<String> labels = new ArrayList<>(4);
    private long receivedAtNanos;
    private long eventTimeNanos;

    /** Loads one event of a batch; the arrays are read, never written, and must stay unchanged until the next load. */
    void load(String source, byte[] message, int messageFrom, int messageLength, byte[] fields, int fieldsFrom,
              int fieldsLength, int tags, List<String> freeTags, long receivedAtNanos, long eventTimeNanos) {
        this.source = source;
        this.messageBytes = message;
        this.messageFrom = messageFrom;
        this.messageLength = messageLength;
        this.message = null;
        this.messageChanged = false;
        this.fieldBytes = fields;
        this.fieldsFrom = fieldsFrom;
        this.fieldsLength = fieldsLength;
        this.fields = null;
        this.fieldsChanged = false;
        this.fieldsUnreadable = false;
        this.tagBits = tags;
        this.labels.clear();
        if (!freeTags.isEmpty()) {
            this.labels.addAll(freeTags);
        }
        this.receivedAtNanos = receivedAtNanos;
        this.eventTimeNanos = eventTimeNanos;
    }

    /** The id of the input the event came from. */
    public String source() {
        return source;
    }

    /** The message as text (bytes that are not UTF-8 read as U+FFFD). */
    public String message() {
        if (message == null) {
            message = new String(messageBytes, messageFrom, messageLength, StandardCharsets.UTF_8);
        }
        return message;
    }

    /**
     * Whether the message is still the bytes it arrived as, so a filter may read {@link #messageArray()} from
     * {@link #messageOffset()} for {@link #messageLength()} bytes (UTF-8, maybe invalid) instead of its text.
     */
    public boolean messageAsArrived() {
        return !messageChanged;
    }

    /** The array holding the message as it arrived; read only, and only while {@link #messageAsArrived()}. */
    public byte[] messageArray() {
        return messageBytes;
    }

    public int messageOffset() {
        return messageFrom;
    }

    public int messageLength() {
        return messageLength;
    }

    /** Replaces the message (a filter that does so says so in the README). */
    public void message(String text) {
        message = text;
        messageChanged = true;
    }

    /**
     * The event's fields, parsed on first use: a mutable tree (see {@link FieldTree}). A filter that changes it
     * through this map must call {@link #fieldsChanged()}; {@link #put} and {@link #remove} do so themselves.
     */
    public Map<String, Object> fields() {
        if (fields == null) {
            fields = new LinkedHashMap<>();
            if (fieldsLength > 0) {
                try {
                    fields = FieldTree.parseObject(fieldBytes, fieldsFrom, fieldsLength);
                } catch (IOException e) {
                    // An input wrote them, so this is damage or a bug: filters see none, and the bytes stay as they
                    // were unless a filter writes fields anew.
                    fieldsUnreadable = true;
                }
            }
        }
        return fields;
    }

    /** Whether the event has no fields at all: none arrived with it and no filter put any. */
    public boolean fieldsAbsent() {
        return fields == null ? fieldsLength == 0 : fields.isEmpty();
    }

    /** Says that {@link #fields()} was changed in place, so the tree is written back. */
    public void fieldsChanged() {
        fieldsChanged = true;
    }

    /** The value at {@code path}, or null when missing (or when the path leads through a value that is no map). */
    public Object get(FieldPath path) {
        List<String> keys = path.segments();
        switch (keys.get(0)) {
            case "message":
                return keys.size() == 1 ? message() : null;
            case "source":
                return keys.size() == 1 ? source : null;
            case "tags":
                return keys.size() == 1 ? tags() : null;
            case "fields":
                Object at = fields();
                for (int i = 1; i < keys.size(); i++) {
                    if (!(at instanceof Map<?, ?> m)) {
                        return null;
                    }
                    at = m.get(keys.get(i));
                }
                return at;
            default:
                return null;
        }
    }

    /** The value at {@code path} as text: a string as is, a number or boolean as JSON writes it; else null. */
    public String text(FieldPath path) {
        Object v = get(path);
        return v instanceof String || v instanceof Number || v instanceof Boolean ? v.toString() : null;
    }

    @Override
    public Object value(FieldPath path) {
        return get(path);
    }

    /** Whether {@code path} can be written: {@code message}, {@code fields} or a path under it. */
    public static boolean writable(FieldPath path) {
        String root = path.segments().get(0);
        return root.equals("fields") || root.equals("message") && path.segments().size() == 1;
    }

    /**
     * Sets the value at {@code path}, making the maps on the way. {@code message} takes only a string (others are
     * written as their text); {@code fields} itself only a map.
     *
     * @return false, changing nothing, when the path is not {@link #writable}, when a value on the way is no map,
     *         or when {@code fields} is given something other than a map
     */
    @SuppressWarnings("unchecked")
    public boolean put(FieldPath path, Object value) {
        List<String> keys = path.segments();
        String root = keys.get(0);
        if (root.equals("message") && keys.size() == 1) {
            message(value == null ? "" : value instanceof String s ? s : String.valueOf(value));
            return true;
        }
        if (!root.equals("fields")) {
            return false;
        }
        if (keys.size() == 1) {
            if (!(value instanceof Map<?, ?> m)) {
                return false;
            }
            fields = (Map<String, Object>) m;
            fieldsChanged = true;
            return true;
        }
        Map<String, Object> at = fields();
        for (int i = 1; i < keys.size() - 1; i++) {
            Object next = at.get(keys.get(i));
            if (next == null) {
                Map<String, Object> made = new LinkedHashMap<>();
                at.put(keys.get(i), made);
                at = made;
            } else if (next instanceof Map<?, ?> m) {
                at = (Map<String, Object>) m;
            } else {
                return false;
            }
        }
        at.put(keys.get(keys.size() - 1), value);
        fieldsChanged = true;
        return true;
    }

    /**
     * Removes the value at {@code path} under {@code fields} ({@code fields} itself: all of them; {@code message}:
     * empties it).
     *
     * @return what was there, or null
     */
    public Object remove(FieldPath path) {
        List<String> keys = path.segments();
        String root = keys.get(0);
        if (root.equals("message") && keys.size() == 1) {
            String old = message();
            message("");
            return old;
        }
        if (!root.equals("fields")) {
            return null;
        }
        if (keys.size() == 1) {
            Map<String, Object> old = fields();
            fields = new LinkedHashMap<>();
            fieldsChanged = true;
            return old;
        }
        Object at = fields();
        for (int i = 1; i < keys.size() - 1; i++) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(keys.get(i));
        }
        if (!(at instanceof Map<?, ?> m)) {
            return null;
        }
        int before = m.size();
        Object old = m.remove(keys.get(keys.size() - 1)); // null for a null value too: the size tells them apart
        if (m.size() != before) {
            fieldsChanged = true;
        }
        return old;
    }

    /** Adds a tag (once): one of the envelope's built-in tags by its name, or a free-form one. */
    public void tag(String name) {
        int bit = Tags.bitOf(name);
        if (bit != 0) {
            tagBits |= bit;
            return;
        }
        String t = name.length() > MAX_TAG_CHARS ? name.substring(0, MAX_TAG_CHARS) : name;
        if (!t.isEmpty() && labels.size() < MAX_TAGS && !labels.contains(t)) {
            labels.add(t);
        }
    }

    public boolean hasTag(String name) {
        int bit = Tags.bitOf(name);
        return bit != 0 ? (tagBits & bit) != 0 : labels.contains(name);
    }

    /** Every tag, built-in ones first, as the envelope lists them. */
    public List<String> tags() {
        List<String> all = Tags.names(tagBits);
        all.addAll(labels);
        return all;
    }

    /** When it happened, epoch nanoseconds (the receive time when the source said nothing). */
    public long eventTimeNanos() {
        return eventTimeNanos;
    }

    public void eventTimeNanos(long nanos) {
        eventTimeNanos = nanos;
    }

    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    // What the chain writes back.

    boolean messageChanged() {
        return messageChanged;
    }

    boolean fieldsWereChanged() {
        return fieldsChanged;
    }

    /** The fields as parsed or set, or null if no filter read them. */
    Map<String, Object> fieldsIfRead() {
        return fields;
    }

    boolean fieldsUnreadable() {
        return fieldsUnreadable;
    }

    int tagBits() {
        return tagBits;
    }

    List<String> freeTags() {
        return labels;
    }
}
