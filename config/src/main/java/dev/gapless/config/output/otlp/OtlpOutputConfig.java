package dev.gapless.config.output.otlp;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.tls.ClientTls;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Batches sent as OTLP/HTTP {@code ExportLogsServiceRequest}s (protobuf): 2xx = delivered (a
 * {@code partial_success} refusal declared lost over the batch); 401, 403, 404, 407, 408, 429, 5xx and timeouts
 * retried (honouring {@code Retry-After}); any other status (400…) rejects the batch, which is split to find the
 * events refused.
 *
 * @param url         where to POST ({@code http://host:4318/v1/logs})
 * @param codec       always json_lines: the records are built from the envelope
 * @param timeout     a request without a full answer after this long fails and is retried
 * @param headers     extra request headers (e.g. authorization)
 * @param compression of the request body
 * @param tls         how an {@code https://} url is spoken to; empty for {@code http://}
 */
public record OtlpOutputConfig(
        String id,
        URI url,
        Codec codec,
        Duration timeout,
        Map<String, String> headers,
        Compression compression,
        Optional<ClientTls> tls,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Compression DEFAULT_COMPRESSION = Compression.GZIP;

    /** Of the request body. */
    public enum Compression {
        GZIP,
        NONE
    }

    public OtlpOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(timeout, "timeout");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return OtlpOutputType.NAME;
    }

    /**
     * A GET of the url with the output's TLS: a collector answers it (405: the endpoint takes POSTs), and any answer
     * shows it reachable, its TLS included.
     */
    @Override
    public Probe probe() {
        return new Probe.HttpGet(url, tls);
    }

    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(timeout);
    }
}
