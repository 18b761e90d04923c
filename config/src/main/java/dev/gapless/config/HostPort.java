package dev.gapless.config;

import java.net.InetSocketAddress;

/**
 * A listen or connect address, {@code host:port}; IPv6 hosts in brackets ({@code [::1]:5170}).
 * Port 0 asks the OS for a free port; the agent then writes the port it got to
 * {@code <data_dir>/run/listeners.json}.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }

    /**
     * Parses {@code "127.0.0.1:9680"}, {@code "[::1]:9680"} or {@code "localhost:9680"}.
     *
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected host:port, such as 127.0.0.1:5170, got '" + text + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "an IPv6 host must be in brackets, such as [::1]:5170, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port number after ':', got '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got '" + text + "'");
        }
        return new HostPort(host, port);
    }

    /** The numeric address a socket is bound to (a listener on port 0 reports the port the OS chose). */
    public static HostPort of(InetSocketAddress bound) {
        return new HostPort(bound.getAddress().getHostAddress(), bound.getPort());
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
