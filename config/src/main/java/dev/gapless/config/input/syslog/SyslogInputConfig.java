package dev.gapless.config.input.syslog;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.InputConfig;
import dev.gapless.config.tls.ServerTls;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Syslog messages (RFC 5424 and RFC 3164) received over TCP (RFC 6587 framing), RELP (acknowledged once durable) or
 * UDP (RFC 5426); TCP and RELP optionally over TLS (RFC 5425).
 *
 * @param protocol          how messages arrive
 * @param listen            bind address (required; use 127.0.0.1 unless other hosts must reach it)
 * @param maxLineBytes      the longest message kept: a longer TCP frame (octet-counted or newline-terminated) is
 *                          cut to this length and tagged {@code truncated}, the connection lives on; a longer UDP
 *                          datagram likewise. 64 KiB by default, the largest UDP datagram, and it keeps the
 *                          journal's record size at its default (see {@link #maxEventBytes()})
 * @param maxConnections    TCP: as {@code tcp}'s {@code max_connections}
 * @param idleTimeout       TCP: as {@code tcp}'s {@code idle_timeout}
 * @param timezone          the zone of RFC 3164 timestamps, which carry none; empty: the agent's own zone
 * @param tls               TCP and RELP: when set, the listener speaks TLS only (mutual TLS with a CA file)
 * @param expectEventsEvery see {@link InputConfig#expectEventsEvery()}
 */
public record SyslogInputConfig(
        String id,
        Protocol protocol,
        HostPort listen,
        ByteSize maxLineBytes,
        int maxConnections,
        Duration idleTimeout,
        Optional<ZoneId> timezone,
        Optional<ServerTls> tls,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final Protocol DEFAULT_PROTOCOL = Protocol.TCP;
    public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofKibibytes(64);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * An event's structured fields may hold all of its frame (hostname, app name, structured data) as JSON, where
     * one byte can become six (a control byte is written as a six-character escape); so an event is at most this
     * many times {@code max_line_bytes}.
     */
    public static final int FIELDS_EXPANSION = 7;
    /** Room for the fields' own keys ({@code "syslog"}, {@code "facility"}, ...) beyond the expanded bytes. */
    public static final int FIELDS_OVERHEAD = 1024;

    /** The transports a syslog input listens on. */
    public enum Protocol {
        TCP,
        UDP,
        RELP;

        /** The YAML spelling. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SyslogInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(maxLineBytes, "maxLineBytes");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(tls, "tls");
        if (protocol == Protocol.UDP && tls.isPresent()) {
            throw new IllegalArgumentException("tls is for tcp and relp, not udp");
        }
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
    }

    @Override
    public String type() {
        return SyslogInputType.NAME;
    }

    /** The message plus its fields: the message is at most max_line_bytes, the fields JSON a bounded multiple. */
    @Override
    public ByteSize maxEventBytes() {
        return ByteSize.ofBytes(maxLineBytes.bytes() * (1 + FIELDS_EXPANSION) + FIELDS_OVERHEAD);
    }
}
