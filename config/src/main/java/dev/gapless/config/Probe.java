package dev.gapless.config;

import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the watchdog checks an output's destination from its own process, as data: each output's record says which
 * check fits it, and the watchdog runs it without knowing the output's type. If the watchdog reaches what the agent
 * cannot, the fault is the agent's.
 */
public sealed interface Probe {

    /** A TCP connect to the address succeeds. */
    record TcpConnect(HostPort address) implements Probe {
        public TcpConnect {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * A GET of the URL gets an HTTP answer, whatever its status: a 401, 404 or 503 is the destination answering, so
     * it is there. No credentials are sent.
     *
     * @param tls how an {@code https://} url is spoken to (the output's own {@code tls:} section: its CA file, client
     *            certificate, {@code verify} and {@code server_name}); empty: the JVM's trust store, the server
     *            checked. Not used for {@code http://}.
     */
    record HttpGet(URI url, Optional<ClientTls> tls) implements Probe {
        public HttpGet {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(tls, "tls");
        }

        /** Without TLS settings of its own. */
        public HttpGet(URI url) {
            this(url, Optional.empty());
        }
    }

    /**
     * A Kafka cluster answers a metadata request (the brokers it has), asked through any of the bootstrap servers
     * with the output's own TLS and SASL: an authentication or authorization error is the cluster answering too.
     *
     * @param sasl the output's SASL login; its password is read from its file at each probe, never held here
     */
    record KafkaMetadata(List<HostPort> bootstrapServers, Optional<ClientTls> tls,
            Optional<KafkaOutputConfig.Sasl> sasl) implements Probe {
        public KafkaMetadata {
            bootstrapServers = List.copyOf(bootstrapServers);
            if (bootstrapServers.isEmpty()) {
                throw new IllegalArgumentException("no bootstrap server");
            }
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(sasl, "sasl");
        }
    }

    /** The directory exists and the watchdog may write in it. */
    record DirWritable(Path dir) implements Probe {
        public DirWritable {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** No check from outside the agent fits this destination: the watchdog has no second opinion on it. */
    record None() implements Probe {
    }

    /** The TCP address an http(s) URL connects to: its port, or 80 / 443 by scheme; an IPv6 host unbracketed. */
    static HostPort hostPortOf(URI url) {
        int port = url.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        }
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }
}
