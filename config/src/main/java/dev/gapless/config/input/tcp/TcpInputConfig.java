package dev.gapless.config.input.tcp;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.InputConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Newline-delimited lines over TCP.
 *
 * @param listen            bind address (required; use 127.0.0.1 unless other hosts must reach it)
 * @param maxLineBytes      a longer line is cut to this length, tagged {@code truncated} and counted;
 *                          the rest of it up to the next newline is discarded and the connection lives on
 * @param maxConnections    at this many open connections a new one evicts the connection idle the longest,
 *                          if that one has been idle at least {@code idleTimeout}; else the new one is
 *                          closed on accept. Both are counted
 * @param idleTimeout       how long a connection must have sent nothing before a new connection at
 *                          {@code maxConnections} may evict it; below the limit a quiet connection is never
 *                          closed, since on plain TCP the close races the sender's next write
 * @param expectEventsEvery see {@link InputConfig#expectEventsEvery()}
 */
public record TcpInputConfig(
        String id,
        HostPort listen,
        ByteSize maxLineBytes,
        int maxConnections,
        Duration idleTimeout,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofMebibytes(1);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    public TcpInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(maxLineBytes, "maxLineBytes");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
    }

    @Override
    public String type() {
        return TcpInputType.NAME;
    }

    @Override
    public ByteSize maxEventBytes() {
        return maxLineBytes;
    }
}
