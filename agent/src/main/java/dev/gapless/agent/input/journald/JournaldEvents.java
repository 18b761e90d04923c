package dev.gapless.agent.input.journald;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one journal entry into one event of a {@link MessageBatch}: {@code MESSAGE} as the message (none: an empty
 * one), {@code __REALTIME_TIMESTAMP} as the event time, every other field under {@code {"journald": {...}}} by its
 * name in lower case ({@code _SYSTEMD_UNIT} as {@code _systemd_unit}), its value a string, or an array of strings
 * for a field the entry holds more than once. A value that is not valid UTF-8 is kept as text with U+FFFD for the bad
 * bytes and, exactly, base64 under {@code <name>_base64} ({@code message_base64} for the message, which the journal
 * also keeps as its raw bytes, tagged {@code invalid_utf8}). Nothing is dropped: what does not fit is cut and the
 * event tagged {@code truncated}. One thread at a time.
 *
 * <p>Size: the message is at most {@code maxEntryBytes} (cut at a character boundary); the fields' JSON at most what
 * the message leaves of {@code maxEntryBytes} plus {@link #FIELDS_SLACK}, so an event stays within the journal's
 * record cap (the largest input's event size plus 64 KiB). A value that would pass it is cut to fit, the ones after
 * it kept as far as they fit.
 */
final class JournaldEvents {

    /** Room for the fields beyond what the message leaves: the trusted fields of an entry with a huge message. */
    static final int FIELDS_SLACK = 32 * 1024;
    static final String CURSOR = "__CURSOR";
    static final String REALTIME = "__REALTIME_TIMESTAMP";
    /**
     * Characters past U+FFFF as their 4 UTF-8 bytes, as {@link #charSize} counts them (Jackson's default writes each
     * half of the pair as a 6-byte escape, which would take the fields 3 times past their budget).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    /** The latest µs whose ns still fit a long (2262-04-11): a later time is the receive time instead. */
    static final long MAX_MICROS = Long.MAX_VALUE / 1000;

    private final int maxEntryBytes;
    private final Buffer json = new Buffer();
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    JournaldEvents(int maxEntryBytes) {
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * Adds the entry's event to {@code out}.
     *
     * @return the entry's cursor, or null if it has none
     */
    String add(List<ExportReader.Field> fields, MessageBatch out) {
        byte[] message = new byte[0];
        boolean cut = false;
        String cursor = null;
        long realtimeMicros = -1;
        Map<String, List<ExportReader.Field>> byName = new LinkedHashMap<>();
        for (ExportReader.Field f : fields) {
            switch (f.name()) {
                case "MESSAGE" -> {
                    message = f.value();
                    cut |= f.cut();
                    continue;
                }
                case CURSOR -> cursor = new String(f.value(), StandardCharsets.UTF_8);
                case REALTIME -> realtimeMicros = micros(f.value());
                default -> {
                }
            }
            byName.computeIfAbsent(f.name(), k -> new ArrayList<>(1)).add(f);
        }
        int messageLength = message.length;
        if (cut || messageLength > maxEntryBytes) {
            messageLength = characterBoundary(message, Math.min(messageLength, maxEntryBytes));
            cut = true;
        }
        String messageText = utf8(message, messageLength);
        long budget = (long) maxEntryBytes - messageLength + FIELDS_SLACK;
        json.reset();
        try (JsonGenerator g = JSON.createGenerator(json)) {
            g.writeStartObject();
            g.writeObjectFieldStart("journald");
            long used = 16;
            if (messageText == null) {
                String b64 = Base64.getEncoder().encodeToString(Arrays.copyOf(message, messageLength));
                long size = b64.length() + 20;
                if (used + size <= budget) {
                    g.writeStringField("message_base64", b64);
                    used += size;
                } else {
                    cut = true;
                }
            }
            for (Map.Entry<String, List<ExportReader.Field>> e : byName.entrySet()) {
                String key = e.getKey().toLowerCase(Locale.ROOT);
                List<ExportReader.Field> values = e.getValue();
                List<String> texts = new ArrayList<>(values.size());
                List<String> exact = null;
                for (ExportReader.Field f : values) {
                    cut |= f.cut();
                    String t = utf8(f.value(), f.value().length);
                    if (t == null) {
                        t = new String(f.value(), StandardCharsets.UTF_8);
                        if (exact == null) {
                            exact = new ArrayList<>(values.size());
                        }
                        exact.add(Base64.getEncoder().encodeToString(f.value()));
                    }
                    texts.add(t);
                }
                long room = budget - used - jsonSize(key) - 8;
                if (room <= 0) {
                    cut = true;
                    continue; // nothing of it fits; the fields after it may be smaller
                }
                List<String> kept = new ArrayList<>(texts.size());
                for (String t : texts) {
                    long size = jsonSize(t) + 1;
                    if (size > room) {
                        kept.add(prefixFitting(t, room - 3));
                        cut = true;
                        room = 0;
                        break;
                    }
                    kept.add(t);
                    room -= size;
                }
                used = budget - room;
                write(g, key, kept);
                if (exact != null) {
                    long size = jsonSize(key) + 16;
                    for (String b : exact) {
                        size += b.length() + 3;
                    }
                    if (used + size <= budget) {
                        write(g, key + "_base64", exact);
                        used += size;
                    } else {
                        cut = true;
                    }
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a generator over memory does not fail
        }
        out.add(message, 0, messageLength, cut ? Tags.TRUNCATED : 0);
        out.fieldsOfLast(json.array(), 0, json.size());
        if (realtimeMicros >= 0 && realtimeMicros <= MAX_MICROS) {
            out.eventTimeOfLast(realtimeMicros * 1000);
        }
        return cursor;
    }

    private static void write(JsonGenerator g, String key, List<String> values) throws IOException {
        if (values.size() == 1) {
            g.writeStringField(key, values.get(0));
            return;
        }
        g.writeArrayFieldStart(key);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** The text of {@code b[0, n)} if it is valid UTF-8, else null. */
    private String utf8(byte[] b, int n) {
        try {
            return strict.decode(ByteBuffer.wrap(b, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The µs of a decimal {@code __REALTIME_TIMESTAMP}, or -1 if it is not one. */
    static long micros(byte[] v) {
        if (v.length == 0 || v.length > 18) {
            return -1;
        }
        long n = 0;
        for (byte b : v) {
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    /** {@code n}, moved back so that {@code b[0, n)} does not end inside a UTF-8 sequence. */
    static int characterBoundary(byte[] b, int n) {
        int i = n;
        int back = 0;
        while (i > 0 && back < 3 && (b[i - 1] & 0xC0) == 0x80) {
            i--;
            back++;
        }
        if (i > 0 && (b[i - 1] & 0xC0) == 0xC0) {
            int lead = b[i - 1] & 0xFF;
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (n - (i - 1) < need) {
                return i - 1; // the sequence started at i - 1 is incomplete
            }
        }
        return n;
    }

    /** An upper bound of the bytes {@code s} takes as a JSON string, quotes included. */
    static long jsonSize(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            n += charSize(s.charAt(i));
        }
        return n;
    }

    private static int charSize(char c) {
        if (c < 0x20) {
            return 6;
        }
        if (c == '"' || c == '\\') {
            return 2;
        }
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800 || Character.isSurrogate(c)) {
            return 2;
        }
        return 3;
    }

    /** The longest prefix of {@code s} whose JSON form fits {@code room} bytes, not splitting a surrogate pair. */
    static String prefixFitting(String s, long room) {
        long n = 2;
        int i = 0;
        while (i < s.length() && n + charSize(s.charAt(i)) <= room) {
            n += charSize(s.charAt(i));
            i++;
        }
        if (i > 0 && i < s.length() && Character.isHighSurrogate(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }

    /** A reusable output buffer whose array is read without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }

        @Override
        public synchronized void reset() {
            super.reset();
            if (buf.length > 1 << 20) {
                buf = new byte[4096]; // one huge entry does not keep its buffer for ever
            }
        }
    }
}
