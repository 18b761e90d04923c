package dev.gapless.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

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
     * A TCP connect to at least one of the addresses succeeds (a cluster reached through any of several bootstrap
     * servers); tried in order, each bounded by the probe's timeout.
     */
    record AnyTcpConnect(List<HostPort> addresses) implements Probe {
        public AnyTcpConnect {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("no address to probe");
            }
        }
    }

    /** A GET of the URL gets an HTTP answer, whatever its status. */
    record HttpGet(URI url) implements Probe {
        public HttpGet {
            Objects.requireNonNull(url, "url");
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
