package dev.gapless.config.output.syslog;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.TlsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code type: syslog}: RFC 5424 messages over TCP, TLS, UDP or RELP. */
public final class SyslogOutputType implements OutputType<SyslogOutputConfig> {

    public static final String NAME = "syslog";
    public static final SyslogOutputType INSTANCE = new SyslogOutputType();

    /** RFC 5424's SD-ID for a private element: an SD-NAME, {@code @}, an enterprise number. */
    private static final Pattern SD_ID = Pattern.compile("[\\x21-\\x7e&&[^=\\] \"@]]{1,30}@[0-9]+(\\.[0-9]+)*");
    /** PRINTUSASCII: what HOSTNAME and APP-NAME may hold. */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

    private SyslogOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<SyslogOutputConfig> configClass() {
        return SyslogOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return Codec.JSON_LINES;
    }

    @Override
    public SyslogOutputConfig bind(Settings s, OutputCommon c) {
        Protocol protocol = s.get("protocol", Kind.oneOf(Protocol.class), SyslogOutputConfig.DEFAULT_PROTOCOL);
        HostPort address = s.required("address", Kind.CONNECT_ADDRESS);
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        Optional<ClientTls> tls = TlsSettings.client(t, false);
        String facility = keyword(s, "facility", SyslogOutputConfig.FACILITIES, SyslogOutputConfig.DEFAULT_FACILITY);
        String severity = keyword(s, "severity", SyslogOutputConfig.SEVERITIES, SyslogOutputConfig.DEFAULT_SEVERITY);
        String appName = header(s, "app_name", 48, SyslogOutputConfig.DEFAULT_APP_NAME);
        Optional<String> hostname = Optional.ofNullable(header(s, "hostname", 255, null));
        String sdId = s.get("sd_id", Kind.NON_EMPTY_STRING, SyslogOutputConfig.DEFAULT_SD_ID);
        ByteSize maxMessage = s.get("max_message_bytes", Kind.POSITIVE_SIZE,
                SyslogOutputConfig.defaultMaxMessageBytes(protocol));
        int window = s.get("window", Kind.integer(1, SyslogOutputConfig.MAX_WINDOW), SyslogOutputConfig.DEFAULT_WINDOW);
        Duration connectTimeout = s.get("connect_timeout", Kind.POSITIVE_DURATION,
                SyslogOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, SyslogOutputConfig.DEFAULT_TIMEOUT);
        boolean ok = true;
        if (!SD_ID.matcher(sdId).matches() || sdId.length() > 32) {
            s.problem("sd_id must be <name>@<enterprise number> (RFC 5424 §7.2.2: up to 32 printable characters, "
                    + "the name without '=', ']', '\"' or '@'), got '" + sdId + "'", "sd_id");
            ok = false;
        }
        if (protocol == Protocol.UDP && t.written() && tls != null && tls.isPresent()) {
            s.problem("tls is for tcp and relp: UDP has no TLS here (DTLS, RFC 6012, is not offered)", "tls");
            ok = false;
        }
        long max = protocol == Protocol.UDP ? SyslogOutputConfig.MAX_UDP_PAYLOAD : SyslogOutputConfig.MAX_MESSAGE_BYTES;
        if (maxMessage.bytes() < SyslogOutputConfig.MIN_MESSAGE_BYTES || maxMessage.bytes() > max) {
            s.problem("max_message_bytes must be from " + SyslogOutputConfig.MIN_MESSAGE_BYTES + " to " + max
                    + " bytes over " + protocol.wireName() + ", got " + maxMessage.bytes(), "max_message_bytes");
            ok = false;
        }
        if (c.codec() != null && c.codec() != Codec.JSON_LINES) {
            s.problem("the syslog output reads each event's envelope (its seq, fields and time): codec must be "
                    + "json_lines", "codec");
            ok = false;
        }
        if (!ok || c.id() == null || address == null || tls == null || facility == null || severity == null
                || appName == null) {
            return null;
        }
        return new SyslogOutputConfig(c.id(), protocol, address, tls, facility, severity, appName, hostname, sdId,
                maxMessage, window, connectTimeout, timeout, c.codec(), c.batch(), c.retry());
    }

    /** A keyword from {@code allowed}; null (reported) when it is none of them. */
    private static String keyword(Settings s, String key, List<String> allowed, String fallback) {
        String v = s.get(key, Kind.NON_EMPTY_STRING, fallback);
        if (!allowed.contains(v)) {
            s.problem(key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'", key);
            return null;
        }
        return v;
    }

    /** A header default: printable US-ASCII without spaces, at most {@code max} characters (RFC 5424 §6). */
    private static String header(Settings s, String key, int max, String fallback) {
        String v = s.get(key, Kind.NON_EMPTY_STRING, fallback);
        if (v != null && (!PRINTABLE.matcher(v).matches() || v.length() > max || v.equals("-"))) {
            s.problem(key + " must be 1 to " + max + " printable ASCII characters without spaces (RFC 5424), and not"
                    + " '-' (the nil value), got '" + v + "'", key);
            return null;
        }
        return v;
    }
}
