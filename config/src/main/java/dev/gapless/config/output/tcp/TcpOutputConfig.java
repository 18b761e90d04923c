package dev.gapless.config.output.tcp;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Newline-delimited events to a TCP peer. Unacknowledged: an event counts as delivered once written
 * to the socket, so a peer that dies may lose what was in its socket buffer.
 *
 * @param address        where to connect
 * @param codec          json_lines (envelope and message) or line (original bytes)
 * @param connectTimeout a connect that takes longer fails and is retried
 * @param writeTimeout   a batch not wholly written to the socket after this long (a peer that stopped reading)
 *                       fails as a timeout, the connection is dropped and the batch retried on a new one
 */
public record TcpOutputConfig(
        String id,
        HostPort address,
        Codec codec,
        Duration connectTimeout,
        Duration writeTimeout,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    public TcpOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return TcpOutputType.NAME;
    }

    @Override
    public Probe probe() {
        return new Probe.TcpConnect(address);
    }

    /** A send connects (when no connection is open) and then writes: both bounded. */
    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(connectTimeout.plus(writeTimeout));
    }
}
