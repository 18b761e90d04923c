package dev.gapless.agent.filter;

import dev.gapless.agent.codec.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The fields of a flat JSON object as {@link FlatJson} read it, kept as the object's bytes and an index of its
 * entries: a key becomes a String and a value a Java value only when someone asks for it, and an entry no one changed
 * is written back as the bytes it arrived as. Those bytes are exactly what {@link FieldTree#write} would make of the
 * value (the reader takes only printable ASCII strings without escapes, integers without a sign of zero, true, false
 * and null), so the JSON out is the same either way, only cheaper.
 *
 * <p>A map in insertion order with {@code LinkedHashMap}'s semantics (a put of a present key keeps its place, a
 * removed and re-added key goes last, null values are kept). Lookups compare hash codes in order, so past
 * {@link #MAX_ENTRIES} entries (a filter adding many) it moves its entries into a {@code LinkedHashMap} and works
 * through it from then on. Not thread-safe, as the rest of an event.
 */
final class FieldMap extends AbstractMap<String, Object> {

    /** Entries kept in the index; one more moves them all into a {@code LinkedHashMap}. */
    static final int MAX_ENTRIES = 64;

    // What an entry's value still is in the bytes; SET when it was put since.
    static final byte SET = 0;
    static final byte STRING = 1;
    static final byte INTEGER = 2;
    static final byte TRUE = 3;
    static final byte FALSE = 4;
    static final byte NULL = 5;

    /** A value not made from its bytes yet. */
    private static final Object UNREAD = new Object();

    // Per entry i, in ints[i * INTS ...]: its key's hash code, where the key's opening quote is (-1 for a key put
    // since), just past its closing quote, where its value starts and just past it, and what that value is.
    private static final int HASH = 0;
    private static final int KEY_FROM = 1;
    private static final int KEY_END = 2;
    private static final int VALUE_FROM = 3;
    private static final int VALUE_END = 4;
    private static final int KIND = 5;
    private static final int INTS = 6;

    private final byte[] raw;
    private int size;
    private int[] ints;
    private String[] keys; // null until made
    private Object[] values; // UNREAD until made
    private int modCount;
    // One bit for each key read from the bytes, by its hash: a key whose bit is clear repeats none read before.
    private long readHashes;
    private LinkedHashMap<String, Object> big; // all entries, once past MAX_ENTRIES

    /** An empty index over {@code raw} (this map's own copy), which {@link #addRaw} fills. */
    FieldMap(byte[] raw, int capacity) {
        this.raw = raw;
        this.ints = new int[capacity * INTS];
        this.keys = new String[capacity];
        this.values = new Object[capacity];
    }

    /**
     * Adds an entry read from the bytes: a key of printable ASCII at {@code raw[keyFrom + 1, keyEnd - 1)} (between
     * its quotes), whose hash is {@code hash} (String's hash of those characters), and a value of {@code kind} at
     * {@code raw[valueFrom, valueEnd)}.
     *
     * @return false, adding nothing, when the key is there already or the index is full
     */
    boolean addRaw(int hash, int keyFrom, int keyEnd, byte kind, int valueFrom, int valueEnd) {
        if (size == MAX_ENTRIES) {
            return false;
        }
        int n = keyEnd - keyFrom - 2;
        long bit = 1L << hash; // the low six bits of the hash pick it
        boolean seen = (readHashes & bit) != 0;
        readHashes |= bit;
        for (int i = 0; seen && i < size; i++) {
            if (ints[i * INTS + HASH] == hash && ints[i * INTS + KEY_FROM] >= 0) {
                int other = ints[i * INTS + KEY_FROM];
                if (ints[i * INTS + KEY_END] - other - 2 == n
                        && Arrays.equals(raw, other + 1, other + 1 + n, raw, keyFrom + 1, keyFrom + 1 + n)) {
                    return false;
                }
            }
        }
        room();
        int at = size * INTS;
        ints[at + HASH] = hash;
        ints[at + KEY_FROM] = keyFrom;
        ints[at + KEY_END] = keyEnd;
        ints[at + VALUE_FROM] = valueFrom;
        ints[at + VALUE_END] = valueEnd;
        ints[at + KIND] = kind;
        keys[size] = null;
        values[size] = UNREAD;
        size++;
        return true;
    }

    private void room() {
        if (size == keys.length) {
            int more = Math.min(MAX_ENTRIES, Math.max(4, size * 2));
            ints = Arrays.copyOf(ints, more * INTS);
            keys = Arrays.copyOf(keys, more);
            values = Arrays.copyOf(values, more);
        }
    }

    @Override
    public int size() {
        return big != null ? big.size() : size;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return big != null ? big.containsKey(key) : find(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        if (big != null) {
            return big.get(key);
        }
        int i = find(key);
        return i < 0 ? null : value(i);
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        if (big != null) {
            return big.put(key, value);
        }
        int i = find(key);
        if (i >= 0) {
            Object old = value(i);
            ints[i * INTS + KIND] = SET;
            values[i] = value;
            return old;
        }
        if (size == MAX_ENTRIES) {
            toBig().put(key, value);
            return null;
        }
        room();
        int at = size * INTS;
        ints[at + HASH] = key.hashCode();
        ints[at + KEY_FROM] = -1;
        ints[at + KIND] = SET;
        keys[size] = key;
        values[size] = value;
        size++;
        modCount++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        if (big != null) {
            return big.remove(key);
        }
        int i = find(key);
        if (i < 0) {
            return null;
        }
        Object old = value(i);
        removeAt(i);
        return old;
    }

    @Override
    public void clear() {
        if (big != null) {
            big.clear();
            return;
        }
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        modCount++;
    }

    private void removeAt(int i) {
        int after = size - i - 1;
        System.arraycopy(ints, (i + 1) * INTS, ints, i * INTS, after * INTS);
        System.arraycopy(keys, i + 1, keys, i, after);
        System.arraycopy(values, i + 1, values, i, after);
        size--;
        keys[size] = null;
        values[size] = null;
        modCount++;
    }

    private LinkedHashMap<String, Object> toBig() {
        LinkedHashMap<String, Object> all = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            all.put(key(i), value(i));
        }
        big = all;
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        return all;
    }

    /** The index of {@code key}, or -1. */
    private int find(Object key) {
        if (!(key instanceof String k)) {
            return -1;
        }
        int h = k.hashCode();
        for (int i = 0; i < size; i++) {
            if (ints[i * INTS + HASH] == h && keyIs(i, k)) {
                return i;
            }
        }
        return -1;
    }

    private boolean keyIs(int i, String k) {
        String made = keys[i];
        if (made != null) {
            return made.equals(k);
        }
        int from = ints[i * INTS + KEY_FROM] + 1;
        int n = ints[i * INTS + KEY_END] - 1 - from;
        if (k.length() != n) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            if (raw[from + j] != k.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private String key(int i) {
        String k = keys[i];
        if (k == null) {
            int from = ints[i * INTS + KEY_FROM] + 1;
            k = new String(raw, from, ints[i * INTS + KEY_END] - 1 - from, StandardCharsets.ISO_8859_1);
            keys[i] = k;
        }
        return k;
    }

    private Object value(int i) {
        Object v = values[i];
        if (v == UNREAD) {
            int from = ints[i * INTS + VALUE_FROM];
            int end = ints[i * INTS + VALUE_END];
            v = switch (ints[i * INTS + KIND]) {
                case STRING -> new String(raw, from + 1, end - from - 2, StandardCharsets.ISO_8859_1);
                case INTEGER -> integer(from, end);
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                default -> null;
            };
            values[i] = v;
        }
        return v;
    }

    private Long integer(int from, int end) {
        boolean negative = raw[from] == '-';
        long x = 0;
        for (int j = negative ? from + 1 : from; j < end; j++) {
            x = x * 10 + (raw[j] - '0');
        }
        return negative ? -x : x;
    }

    /**
     * Writes this map as a JSON object at nesting {@code depth}: what {@link FieldTree#write} writes of any map, an
     * entry as it arrived copied from its bytes.
     */
    void write(ByteSink out, int depth) {
        if (big != null) {
            FieldTree.entries(out, big, depth);
            return;
        }
        out.write('{');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.write(',');
            }
            int at = i * INTS;
            int keyFrom = ints[at + KEY_FROM];
            if (keyFrom < 0) {
                FieldTree.string(out, keys[i]);
                out.write(':');
                FieldTree.value(out, values[i], depth + 1);
            } else if (ints[at + KIND] == SET) {
                out.write(raw, keyFrom, ints[at + KEY_END] - keyFrom);
                out.write(':');
                FieldTree.value(out, values[i], depth + 1);
            } else if (ints[at + VALUE_FROM] == ints[at + KEY_END] + 1) {
                out.write(raw, keyFrom, ints[at + VALUE_END] - keyFrom); // "key":value, nothing between
            } else {
                out.write(raw, keyFrom, ints[at + KEY_END] - keyFrom);
                out.write(':');
                out.write(raw, ints[at + VALUE_FROM], ints[at + VALUE_END] - ints[at + VALUE_FROM]);
            }
        }
        out.write('}');
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return big != null ? big.entrySet() : new Entries();
    }

    private final class Entries extends AbstractSet<Map.Entry<String, Object>> {
        @Override
        public int size() {
            return FieldMap.this.size();
        }

        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            if (big != null) {
                return big.entrySet().iterator();
            }
            return new Iterator<>() {
                private int next;
                private int last = -1;
                private int expected = modCount;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Map.Entry<String, Object> next() {
                    if (expected != modCount || big != null) {
                        throw new ConcurrentModificationException();
                    }
                    if (next >= size) {
                        throw new NoSuchElementException();
                    }
                    last = next++;
                    return new Entry(key(last));
                }

                @Override
                public void remove() {
                    if (last < 0) {
                        throw new IllegalStateException();
                    }
                    if (expected != modCount || big != null) {
                        throw new ConcurrentModificationException();
                    }
                    removeAt(last);
                    next = last;
                    last = -1;
                    expected = modCount;
                }
            };
        }
    }

    /** An entry seen through the map, by its key: it reads and writes what the map holds for it now. */
    private final class Entry implements Map.Entry<String, Object> {
        private final String key;

        Entry(String key) {
            this.key = key;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return get(key);
        }

        @Override
        public Object setValue(Object value) {
            return put(key, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return key + "=" + getValue();
        }
    }
}
