package dev.gapless.agent.input.journald;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads journalctl's export format ({@code -o export}) one entry at a time: fields {@code NAME=value\n}, or the
 * binary-safe {@code NAME\n}, a 64-bit little-endian length, that many bytes and {@code \n}; an empty line ends an
 * entry. Memory is bounded: a value keeps at most what is left of the entry's budget ({@code maxEntryBytes} for the
 * message, as much again for all other fields together); the rest of it is read past and the field marked cut.
 *
 * <p>Malformed input (a field name that is not a journal field name, a binary length beyond
 * {@link #MAX_BINARY_LENGTH}, a binary value not followed by its newline) spoils only its entry: the reader skips to
 * the next empty line and answers {@link Result#MALFORMED} with the reason, and the entries after it are read as
 * usual. An entry cut off by the end of the stream (journalctl killed in the middle of writing it) is not answered
 * at all: {@link Result#END} with {@link #partialAtEnd()} true; its cursor was never seen, so it is read again from
 * the previous cursor. One thread at a time.
 */
final class ExportReader {

    /** A longer field name is damage: systemd allows 64 bytes; this leaves room for a newer limit. */
    static final int MAX_NAME = 256;
    /** A binary length beyond this is damage, not data (journald refuses entries this large). */
    static final long MAX_BINARY_LENGTH = 1L << 32;
    private static final int BUFFER = 64 * 1024;

    /** What {@link #next()} found. */
    enum Result {
        /** An entry, in {@link #fields()}. */
        ENTRY,
        /** An entry that could not be read, skipped; {@link #error()} says why. */
        MALFORMED,
        /** The end of the stream. */
        END
    }

    /**
     * One field of an entry.
     *
     * @param name  as written (upper case)
     * @param value the bytes kept
     * @param cut   the value was longer than what was kept
     */
    record Field(String name, byte[] value, boolean cut) {
    }

    private final InputStream in;
    private final int maxMessage;
    private final int maxOthers;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    // Only the reading thread.
    private final List<Field> fields = new ArrayList<>();
    private final byte[] name = new byte[MAX_NAME];
    private int othersKept;
    private String error;
    private boolean partialAtEnd;
    private long bytesRead;

    ExportReader(InputStream in, int maxEntryBytes) {
        this.in = in;
        this.maxMessage = maxEntryBytes;
        this.maxOthers = maxEntryBytes;
    }

    /** The fields of the entry {@link #next()} answered last. */
    List<Field> fields() {
        return fields;
    }

    /** Why the entry {@link #next()} answered last was malformed. */
    String error() {
        return error;
    }

    /** Whether the stream ended in the middle of an entry (that entry was not answered). */
    boolean partialAtEnd() {
        return partialAtEnd;
    }

    /** Bytes of the stream read so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** Whether the next entry can be read without blocking, as far as the buffer and the stream say. */
    boolean ready() throws IOException {
        return pos < limit || !eof && in.available() > 0;
    }

    /** Reads the next entry (blocking until it is complete or the stream ends). */
    Result next() throws IOException {
        fields.clear();
        othersKept = 0;
        error = null;
        while (true) {
            int c = peek();
            if (c < 0) {
                partialAtEnd = !fields.isEmpty();
                return Result.END;
            }
            if (c == '\n') {
                pos++;
                bytesRead++;
                if (fields.isEmpty()) {
                    continue; // blank lines between entries
                }
                return Result.ENTRY;
            }
            String problem = field();
            if (problem == FIELD_AT_END) {
                partialAtEnd = true;
                return Result.END;
            }
            if (problem != null) {
                error = problem;
                fields.clear();
                skipToEmptyLine(); // if the end comes first, the damaged entry is reported all the same
                return Result.MALFORMED;
            }
        }
    }

    private static final String FIELD_AT_END = "the stream ended inside a field";

    /** Reads one field into {@link #fields}. @return null, or why the entry is malformed */
    private String field() throws IOException {
        int n = 0;
        int c;
        while (true) {
            c = read();
            if (c < 0) {
                return FIELD_AT_END;
            }
            if (c == '=' || c == '\n') {
                break;
            }
            if (n == MAX_NAME) {
                return "a field name longer than " + MAX_NAME + " bytes";
            }
            name[n++] = (byte) c;
        }
        String fieldName = new String(name, 0, n, StandardCharsets.ISO_8859_1);
        if (!validName(fieldName)) {
            return "'" + printable(fieldName) + "' is not a journal field name";
        }
        boolean message = fieldName.equals("MESSAGE");
        int room = message ? maxMessage : Math.max(0, maxOthers - othersKept - n);
        if (c == '=') {
            Value v = readUntilNewline(room);
            if (v == null) {
                return FIELD_AT_END;
            }
            add(fieldName, v, message);
            return null;
        }
        long length = 0;
        for (int i = 0; i < 8; i++) {
            int b = read();
            if (b < 0) {
                return FIELD_AT_END;
            }
            length |= (long) b << (8 * i);
        }
        if (length < 0 || length > MAX_BINARY_LENGTH) {
            return "binary field " + fieldName + " has a length of " + Long.toUnsignedString(length) + " bytes";
        }
        Value v = readExactly(length, room);
        if (v == null) {
            return FIELD_AT_END;
        }
        int end = read();
        if (end < 0) {
            return FIELD_AT_END;
        }
        if (end != '\n') {
            return "binary field " + fieldName + " of " + length + " bytes is not followed by a newline";
        }
        add(fieldName, v, message);
        return null;
    }

    private void add(String fieldName, Value v, boolean message) {
        if (!message) {
            othersKept += v.bytes.length + fieldName.length();
        }
        fields.add(new Field(fieldName, v.bytes, v.cut));
    }

    private record Value(byte[] bytes, boolean cut) {
    }

    /** A text value up to its newline, keeping at most {@code room} bytes. @return null at the stream's end */
    private Value readUntilNewline(int room) throws IOException {
        byte[] kept = new byte[Math.min(room, 256)];
        int n = 0;
        boolean cut = false;
        while (true) {
            if (pos == limit && !fill()) {
                return null;
            }
            int from = pos;
            int nl = -1;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int to = nl < 0 ? limit : nl;
            int take = Math.min(to - from, room - n);
            if (take > 0) {
                if (n + take > kept.length) {
                    kept = Arrays.copyOf(kept, Math.min(room, Math.max(kept.length * 2, n + take)));
                }
                System.arraycopy(buf, from, kept, n, take);
                n += take;
            }
            cut |= to - from > take;
            int consumed = (nl < 0 ? limit : nl + 1) - pos;
            pos += consumed;
            bytesRead += consumed;
            if (nl >= 0) {
                return new Value(n == kept.length ? kept : Arrays.copyOf(kept, n), cut);
            }
        }
    }

    /** {@code length} bytes, keeping at most {@code room}. @return null at the stream's end */
    private Value readExactly(long length, int room) throws IOException {
        int keep = (int) Math.min(length, room);
        byte[] kept = new byte[keep];
        long left = length;
        int n = 0;
        while (left > 0) {
            if (pos == limit && !fill()) {
                return null;
            }
            int take = (int) Math.min(left, limit - pos);
            int copy = Math.min(take, keep - n);
            if (copy > 0) {
                System.arraycopy(buf, pos, kept, n, copy);
                n += copy;
            }
            pos += take;
            bytesRead += take;
            left -= take;
        }
        return new Value(kept, keep < length);
    }

    /** Skips past the next empty line ({@code \n\n}), or to the stream's end. */
    private void skipToEmptyLine() throws IOException {
        int previous = -1;
        while (true) {
            int c = read();
            if (c < 0 || c == '\n' && previous == '\n') {
                return;
            }
            previous = c;
        }
    }

    /** Journal field names: upper-case letters, digits and underscores, not starting with a digit. */
    static boolean validName(String n) {
        if (n.isEmpty() || n.charAt(0) >= '0' && n.charAt(0) <= '9') {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos] & 0xFF;
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        bytesRead++;
        return buf[pos++] & 0xFF;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
