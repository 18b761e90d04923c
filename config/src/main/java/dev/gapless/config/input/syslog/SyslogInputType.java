package dev.gapless.config.input.syslog;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ServerTls;
import dev.gapless.config.tls.TlsSettings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/** {@code type: syslog}: RFC 5424 / RFC 3164 messages on a TCP, RELP or UDP listener, TCP and RELP with TLS. */
public final class SyslogInputType implements InputType<SyslogInputConfig> {

    public static final String NAME = "syslog";
    public static final SyslogInputType INSTANCE = new SyslogInputType();

    private SyslogInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<SyslogInputConfig> configClass() {
        return SyslogInputConfig.class;
    }

    @Override
    public SyslogInputConfig bind(Settings s, InputCommon common) {
        Protocol protocol = protocol(s);
        HostPort listen = s.required("listen", Kind.LISTEN_ADDRESS);
        ByteSize maxLineBytes = s.get("max_line_bytes", Kind.POSITIVE_SIZE, SyslogInputConfig.DEFAULT_MAX_LINE_BYTES);
        if (maxLineBytes.bytes() > Integer.MAX_VALUE / (2 * (1 + SyslogInputConfig.FIELDS_EXPANSION))) {
            s.problem("max_line_bytes " + maxLineBytes + " is too large for a syslog message (at most 128MiB)",
                    "max_line_bytes");
            maxLineBytes = SyslogInputConfig.DEFAULT_MAX_LINE_BYTES;
        }
        int maxConnections = s.get("max_connections", Kind.integer(1, Integer.MAX_VALUE),
                SyslogInputConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idleTimeout = s.get("idle_timeout", Kind.POSITIVE_DURATION, SyslogInputConfig.DEFAULT_IDLE_TIMEOUT);
        Optional<ZoneId> timezone = timezone(s);
        Optional<ServerTls> tls = TlsSettings.server(s.section("tls", "a mapping with cert_file, key_file, ca_file"));
        if (tls != null && tls.isPresent() && protocol == Protocol.UDP) {
            s.problem("tls is for protocol tcp or relp: syslog over UDP has no TLS here (DTLS is not supported)",
                    "tls");
            tls = null;
        }
        if (common.id() == null || listen == null || protocol == null || tls == null) {
            return null;
        }
        return new SyslogInputConfig(common.id(), protocol, listen, maxLineBytes, maxConnections, idleTimeout,
                timezone, tls, common.expectEventsEvery());
    }

    /** tcp, udp or relp. Null when invalid. */
    private static Protocol protocol(Settings s) {
        Optional<String> written = s.optional("protocol", Kind.NON_EMPTY_STRING);
        if (written.isEmpty()) {
            return SyslogInputConfig.DEFAULT_PROTOCOL;
        }
        String p = written.get();
        for (Protocol known : Protocol.values()) {
            if (known.wireName().equals(p)) {
                return known;
            }
        }
        s.problem("unknown protocol '" + p + "': expected tcp, udp or relp", "protocol");
        return null;
    }

    private static Optional<ZoneId> timezone(Settings s) {
        Optional<String> zone = s.optional("timezone", Kind.NON_EMPTY_STRING);
        if (zone.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(zone.get()));
        } catch (DateTimeException e) {
            s.problem("unknown timezone '" + zone.get() + "': expected a zone id such as UTC, Europe/Paris or +02:00",
                    "timezone");
            return Optional.empty();
        }
    }
}
