package dev.gapless.agent.output.syslog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.output.EnvelopeFrame;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.contract.EnvelopeFields;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Writes one envelope as an RFC 5424 message, {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [SP MSG]},
 * that always follows the grammar, whatever the event holds:
 * <ul>
 *   <li>the header parts come from the event's {@code fields.syslog} (as the syslog input wrote them), else the
 *       configured defaults (the hostname: the envelope's {@code host}); each is cut to its RFC length and every
 *       character outside printable US-ASCII (a space, a control, non-ASCII) becomes {@code _}; empty is the nil
 *       value {@code -};</li>
 *   <li>TIMESTAMP is the event time (else the receive time) in UTC with microseconds, RFC 5424's finest;</li>
 *   <li>the first SD element is the configured SD-ID with {@code agent_id} and {@code seq} (and {@code kind} for a
 *       heartbeat or loss marker, {@code truncated} when cut), then the event's own structured data, its SD-NAMEs
 *       sanitised like the header (plus {@code = ] "}), values escaped ({@code " \ ]}); an element of the event
 *       named like ours, or named like one before it once sanitised, is left out: an SD-ID appears once;</li>
 *   <li>MSG is the event's message as UTF-8 without a BOM (see the README: receivers such as rsyslog keep the BOM
 *       in the text); a heartbeat's or loss marker's MSG is its envelope's JSON, its MSGID its kind;</li>
 *   <li>a message longer than {@code max_message_bytes} keeps its header and our element: the event's SD elements
 *       are kept while they fit, then MSG is cut on a UTF-8 character boundary, and {@code truncated} says how long
 *       it was. The smallest allowed bound leaves room for the longest header and our element.</li>
 * </ul>
 * Not thread-safe: one per sink, used by the output worker thread.
 */
final class SyslogFormatter {

    static final int MAX_HOSTNAME = 255;
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROC_ID = 128;
    static final int MAX_MSG_ID = 32;
    static final int MAX_SD_NAME = 32;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** One message: its bytes, and whether it was cut to the bound. */
    record Formatted(byte[] bytes, boolean truncated) {
    }

    private final SyslogOutputConfig config;
    private final int defaultFacility;
    private final int defaultSeverity;
    private final int max;
    private final StringBuilder sb = new StringBuilder(256);

    SyslogFormatter(SyslogOutputConfig config) {
        this.config = config;
        this.defaultFacility = SyslogOutputConfig.FACILITIES.indexOf(config.facility());
        this.defaultSeverity = SyslogOutputConfig.SEVERITIES.indexOf(config.severity());
        this.max = (int) config.maxMessageBytes().bytes();
    }

    Formatted format(EnvelopeFrame e) {
        JsonNode syslog = e.isEvent() ? e.node().path(EnvelopeFields.FIELDS).path("syslog") : null;
        int facility = code(syslog, "facility", SyslogOutputConfig.FACILITIES.toArray(String[]::new),
                defaultFacility);
        int severity = code(syslog, "severity", SyslogOutputConfig.SEVERITIES.toArray(String[]::new),
                defaultSeverity);
        String hostname = text(syslog, "hostname",
                config.hostname().orElse(e.text(EnvelopeFields.HOST, null)));
        String appName = text(syslog, "app_name", config.appName());
        String procId = text(syslog, "proc_id", null);
        String msgId = e.isEvent() ? text(syslog, "msg_id", null) : e.kind();

        sb.setLength(0);
        sb.append('<').append(facility * 8 + severity).append(">1 ");
        sb.append(TIMESTAMP.format(e.eventTime().truncatedTo(ChronoUnit.MICROS))).append(' ');
        header(hostname, MAX_HOSTNAME).append(' ');
        header(appName, MAX_APP_NAME).append(' ');
        header(procId, MAX_PROC_ID).append(' ');
        header(msgId, MAX_MSG_ID).append(' ');
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);

        String agentId = e.text(EnvelopeFields.AGENT_ID, "");
        byte[] ours = ours(agentId, e, -1);
        byte[][] elements = elements(syslog == null ? null : syslog.get("structured_data"));
        byte[] msg = (e.isEvent() ? e.text(EnvelopeFields.MESSAGE, "") : e.json()).getBytes(StandardCharsets.UTF_8);

        int sdLength = 0;
        for (byte[] el : elements) {
            sdLength += el.length;
        }
        long total = (long) head.length + ours.length + sdLength + (msg.length > 0 ? 1 + msg.length : 0);
        if (total <= max) {
            return new Formatted(join(head, ours, elements, elements.length, msg, msg.length), false);
        }
        ours = ours(agentId, e, total);
        int budget = max - head.length - ours.length;
        int kept = 0;
        for (byte[] el : elements) {
            if (el.length > budget) {
                break;
            }
            budget -= el.length;
            kept++;
        }
        int msgLength = budget > 1 ? utf8Prefix(msg, Math.min(msg.length, budget - 1)) : 0;
        return new Formatted(join(head, ours, elements, kept, msg, msgLength), true);
    }

    /** Our element: the record's identity, so that a receiver can find each seq once. */
    private byte[] ours(String agentId, EnvelopeFrame e, long truncatedFrom) {
        StringBuilder s = new StringBuilder(96).append('[').append(config.sdId());
        param(s, EnvelopeFields.AGENT_ID, agentId);
        param(s, EnvelopeFields.SEQ, Long.toString(e.seq()));
        if (!e.isEvent()) {
            param(s, EnvelopeFields.KIND, e.kind());
        }
        if (truncatedFrom >= 0) {
            param(s, "truncated", Long.toString(truncatedFrom));
        }
        return s.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The event's structured data ({@code {sd_id: {name: value | [values]}}}) as elements, in order. */
    private byte[][] elements(JsonNode sd) {
        if (sd == null || !sd.isObject() || sd.isEmpty()) {
            return new byte[0][];
        }
        byte[][] out = new byte[sd.size()][];
        int n = 0;
        Set<String> ids = new HashSet<>();
        ids.add(config.sdId());
        for (Iterator<Map.Entry<String, JsonNode>> it = sd.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> el = it.next();
            String id = sdName(el.getKey());
            if (!ids.add(id)) {
                continue;
            }
            StringBuilder s = new StringBuilder().append('[').append(id);
            if (el.getValue().isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> ps = el.getValue().fields(); ps.hasNext();) {
                    Map.Entry<String, JsonNode> p = ps.next();
                    String name = sdName(p.getKey());
                    if (p.getValue().isArray()) {
                        for (JsonNode v : p.getValue()) {
                            param(s, name, v.asText());
                        }
                    } else {
                        param(s, name, p.getValue().asText());
                    }
                }
            }
            out[n++] = s.append(']').toString().getBytes(StandardCharsets.UTF_8);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static void param(StringBuilder s, String name, String value) {
        s.append(' ').append(name).append("=\"");
        escape(s, value);
        s.append('"');
    }

    /** PARAM-VALUE: {@code "}, {@code \} and {@code ]} escaped with a backslash (RFC 5424 §6.3.3). */
    static void escape(StringBuilder s, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                s.append('\\');
            }
            s.append(c);
        }
    }

    /** SD-NAME: 1 to 32 printable US-ASCII but {@code = SP ] "}; others become {@code _}; empty: {@code _}. */
    static String sdName(String name) {
        StringBuilder s = new StringBuilder(Math.min(name.length(), MAX_SD_NAME));
        for (int i = 0; i < name.length() && s.length() < MAX_SD_NAME; i++) {
            char c = name.charAt(i);
            s.append(c < 0x21 || c > 0x7e || c == '=' || c == ']' || c == '"' ? '_' : c);
        }
        return s.length() == 0 ? "_" : s.toString();
    }

    /** A header part: nil ({@code -}) when absent or empty, else sanitised and cut to {@code maxLength}. */
    private StringBuilder header(String value, int maxLength) {
        return sb.append(headerValue(value, maxLength));
    }

    static String headerValue(String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder(Math.min(value.length(), maxLength));
        for (int i = 0; i < value.length() && s.length() < maxLength; i++) {
            char c = value.charAt(i);
            s.append(c < 0x21 || c > 0x7e ? '_' : c);
        }
        return s.toString();
    }

    /** The keyword's code among {@code names}, or {@code fallback} when the event has none or an unknown one. */
    private static int code(JsonNode syslog, String key, String[] names, int fallback) {
        String v = text(syslog, key, null);
        if (v != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(v)) {
                    return i;
                }
            }
        }
        return fallback;
    }

    private static String text(JsonNode syslog, String key, String fallback) {
        if (syslog == null) {
            return fallback;
        }
        JsonNode v = syslog.get(key);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isEmpty() ? fallback : v.asText();
    }

    /** The longest prefix of {@code b} of at most {@code n} bytes that ends on a UTF-8 character boundary. */
    static int utf8Prefix(byte[] b, int n) {
        if (n >= b.length) {
            return b.length;
        }
        int end = n;
        while (end > 0 && (b[end] & 0xc0) == 0x80) {
            end--; // b[end] continues a character begun before it: cut before that character
        }
        return end;
    }

    private static byte[] join(byte[] head, byte[] ours, byte[][] elements, int count, byte[] msg, int msgLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + ours.length + msgLength + 64);
        out.writeBytes(head);
        out.writeBytes(ours);
        for (int i = 0; i < count; i++) {
            out.writeBytes(elements[i]);
        }
        if (msgLength > 0) {
            out.write(' ');
            out.write(msg, 0, msgLength);
        }
        return out.toByteArray();
    }
}
