package dev.gapless.config.output.syslog;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.tls.ClientTls;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Events as RFC 5424 syslog messages to a syslog server (rsyslog, syslog-ng, a SIEM): over TCP with octet counting
 * (RFC 6587), optionally TLS (RFC 5425); over UDP, a datagram each (RFC 5426); or over RELP, each message answered.
 * Each message carries its record's {@code agent_id} and {@code seq} in the {@code sdId} element.
 *
 * @param protocol        tcp (delivered = written), udp (delivered = handed to the kernel) or relp (delivered =
 *                        every message answered {@code 200})
 * @param address         where to send
 * @param tls             tcp and relp: TLS when set
 * @param facility        the facility keyword of messages whose event has none of its own ({@code fields.syslog})
 * @param severity        likewise, the severity keyword
 * @param appName         likewise, the APP-NAME
 * @param hostname        likewise, the HOSTNAME; empty: the envelope's {@code host} (the agent's host name)
 * @param sdId            the SD-ID of the element holding {@code agent_id} and {@code seq}
 * @param maxMessageBytes a message longer than this is cut to it (its MSG part shortened, tagged in the element)
 * @param window          relp: messages sent and not yet answered, at most; at the bound the sink waits for answers
 * @param connectTimeout  a connect (and TLS handshake, and RELP {@code open}) that takes longer fails, retried
 * @param timeout         a batch not written (tcp, udp) or not answered in full (relp) after this long fails as a
 *                        timeout, the connection is dropped and the batch retried on a new one
 */
public record SyslogOutputConfig(
        String id,
        Protocol protocol,
        HostPort address,
        Optional<ClientTls> tls,
        String facility,
        String severity,
        String appName,
        Optional<String> hostname,
        String sdId,
        ByteSize maxMessageBytes,
        int window,
        Duration connectTimeout,
        Duration timeout,
        Codec codec,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    /** The facility keywords, in code order (0 = kern … 23 = local7): as the syslog input writes them. */
    public static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0",
            "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    /** The severity keywords, in code order (0 = emerg … 7 = debug). */
    public static final List<String> SEVERITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice",
            "info", "debug");

    public static final Protocol DEFAULT_PROTOCOL = Protocol.TCP;
    public static final String DEFAULT_FACILITY = "user";
    public static final String DEFAULT_SEVERITY = "info";
    public static final String DEFAULT_APP_NAME = "gapless";
    /**
     * 32473 is the private enterprise number RFC 5612 reserves for documentation and examples: Gapless has none of
     * its own registered, and a receiver matching on this SD-ID needs it fixed. Set {@code sd_id} to
     * {@code <name>@<your PEN>} to use your own.
     */
    public static final String DEFAULT_SD_ID = "gapless@32473";
    /** UDP: the size RFC 5426 says receivers should take (all must take 480); larger ones may be dropped on path. */
    public static final ByteSize DEFAULT_MAX_MESSAGE_BYTES_UDP = ByteSize.ofBytes(2048);
    /** tcp, relp: rsyslog's default {@code maxMessageSize} (8 KiB); raise both together. */
    public static final ByteSize DEFAULT_MAX_MESSAGE_BYTES_STREAM = ByteSize.ofKibibytes(8);
    /** The largest UDP payload over IPv4: a datagram cannot be longer. */
    public static final int MAX_UDP_PAYLOAD = 65_507;
    /** The smallest {@code max_message_bytes}: room for the longest header and the seq element, whatever the event. */
    public static final int MIN_MESSAGE_BYTES = 1024;
    /** tcp, relp: at most 16 MiB a message (librelp's and rsyslog's limits are far below). */
    public static final long MAX_MESSAGE_BYTES = 16L << 20;
    public static final int DEFAULT_WINDOW = 128;
    public static final int MAX_WINDOW = 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** How messages travel. */
    public enum Protocol {
        TCP,
        UDP,
        RELP;

        /** The YAML spelling. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SyslogOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(sdId, "sdId");
        Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
        if (!FACILITIES.contains(facility)) {
            throw new IllegalArgumentException("unknown facility " + facility);
        }
        if (!SEVERITIES.contains(severity)) {
            throw new IllegalArgumentException("unknown severity " + severity);
        }
        if (protocol == Protocol.UDP && tls.isPresent()) {
            throw new IllegalArgumentException("tls is for tcp and relp, not udp");
        }
        if (window < 1 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("window must be 1 to " + MAX_WINDOW + ", got " + window);
        }
    }

    /** The default {@code max_message_bytes} of a protocol. */
    public static ByteSize defaultMaxMessageBytes(Protocol protocol) {
        return protocol == Protocol.UDP ? DEFAULT_MAX_MESSAGE_BYTES_UDP : DEFAULT_MAX_MESSAGE_BYTES_STREAM;
    }

    @Override
    public String type() {
        return SyslogOutputType.NAME;
    }

    /** tcp and relp: a TCP connect to the server. udp: none, since nothing answers a datagram's arrival. */
    @Override
    public Probe probe() {
        return protocol == Protocol.UDP ? new Probe.None() : new Probe.TcpConnect(address);
    }

    /** A send connects (when no connection is open) and then writes or waits for answers: both bounded. */
    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(connectTimeout.plus(timeout));
    }
}
