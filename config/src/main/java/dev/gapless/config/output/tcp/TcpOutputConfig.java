package dev.gapless.config.output.tcp;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Newline-delimited events to a TCP peer. Unacknowledged: an event counts as delivered once written
 * to the socket, so a peer that dies may lose what was in its socket buffer.
 *
 * @param address        where to connect
 * @param codec          json_lines (envelope and message) or line (original bytes)
 * @param connectTimeout a connect that takes longer fails and is retried
 */
public record TcpOutputConfig(
        String id,
        HostPort address,
        Codec codec,
        Duration connectTimeout,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public TcpOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
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
}
