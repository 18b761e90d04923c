package dev.gapless.agent.input.syslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Turns one syslog message's bytes into one event of a {@link MessageBatch}: its MSG part as the message, its
 * timestamp as the event time (none: the receive time), its header and structured data as the fields
 * {@code {"syslog": {...}}} with absent and nil parts left out. A message the parser refuses is kept whole, its
 * raw bytes the message, tagged {@link Tags#SYSLOG_PARSE_FAILED}, with no fields: nothing is dropped. The fields are
 * written by Jackson from decoded strings, so they are valid JSON whatever the bytes were. Per owner (one
 * connection, one UDP socket), one thread at a time.
 */
final class SyslogEvents {

    static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
        "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2",
        "local3", "local4", "local5", "local6", "local7"};
    static final String[] SEVERITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    private static final JsonFactory JSON = new JsonFactory();

    private final SyslogParser parser;
    private final SyslogMessage message = new SyslogMessage();
    private final Buffer fields = new Buffer();

    SyslogEvents(SyslogParser parser) {
        this.parser = parser;
    }

    /**
     * Adds {@code b[from, from + n)}, parsed, to {@code out} with {@code tags} (e.g. truncated by the framer); a
     * trailing newline is dropped first.
     */
    void add(byte[] b, int from, int n, int tags, MessageBatch out) {
        // A trailing \n or \r\n is not the message's: rsyslog ends its octet-counted frames with one, some
        // senders end their datagrams with one.
        if (n > 0 && b[from + n - 1] == '\n') {
            n--;
            if (n > 0 && b[from + n - 1] == '\r') {
                n--;
            }
        }
        boolean parsed;
        try {
            parsed = parser.parse(b, from, from + n, message);
        } catch (RuntimeException bug) {
            parsed = false; // a parser bug must not lose the message: it is kept raw like any unparsable one
        }
        if (!parsed) {
            out.add(b, from, n, tags | Tags.SYSLOG_PARSE_FAILED);
            return;
        }
        out.add(b, message.msgFrom, message.msgTo - message.msgFrom, tags);
        if (message.timeNanos != SyslogMessage.NO_TIME) {
            out.eventTimeOfLast(message.timeNanos);
        }
        if (writeFields(message)) {
            out.fieldsOfLast(fields.array(), 0, fields.size());
        }
    }

    /** Writes {@code m}'s fields into {@link #fields}; false when it has none. */
    private boolean writeFields(SyslogMessage m) {
        if (m.facility < 0 && m.hostname == null && m.appName == null && m.procId == null && m.msgId == null
                && m.structuredData == null) {
            return false;
        }
        fields.reset();
        try (JsonGenerator g = JSON.createGenerator(fields)) {
            g.writeStartObject();
            g.writeObjectFieldStart("syslog");
            if (m.facility >= 0) {
                g.writeStringField("facility", FACILITIES[m.facility]);
                g.writeStringField("severity", SEVERITIES[m.severity]);
            }
            optional(g, "hostname", m.hostname);
            optional(g, "app_name", m.appName);
            optional(g, "proc_id", m.procId);
            optional(g, "msg_id", m.msgId);
            if (m.structuredData != null) {
                g.writeObjectFieldStart("structured_data");
                for (Map.Entry<String, Map<String, Object>> e : m.structuredData.entrySet()) {
                    g.writeObjectFieldStart(e.getKey());
                    for (Map.Entry<String, Object> p : e.getValue().entrySet()) {
                        if (p.getValue() instanceof List<?> values) {
                            g.writeArrayFieldStart(p.getKey());
                            for (Object v : values) {
                                g.writeString((String) v);
                            }
                            g.writeEndArray();
                        } else {
                            g.writeStringField(p.getKey(), (String) p.getValue());
                        }
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return true;
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** A byte array stream whose array is read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(512);
        }

        byte[] array() {
            return buf;
        }
    }
}
