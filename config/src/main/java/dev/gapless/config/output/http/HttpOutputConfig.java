package dev.gapless.config.output.http;

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
 * Batches POSTed as NDJSON. 2xx = delivered; 401, 403, 404, 407, 408, 429, 5xx and timeouts are retried
 * (honouring {@code Retry-After}): they say the destination or the credentials are wrong, not the events;
 * any other status (400, 413, 422…) rejects the batch, which is split to find the events refused.
 *
 * @param url       where to POST
 * @param codec     json_lines (envelope and message) or line (original bytes)
 * @param timeout   a request without a full answer after this long fails and is retried
 * @param headers   extra request headers (e.g. authorization)
 * @param healthUrl the watchdog's probe of this destination: a GET that must answer (any status), over https
 *                  with {@code tls}; when absent, the watchdog connects to the url's host and port
 * @param tls       how an {@code https://} url is spoken to; empty for {@code http://}
 */
public record HttpOutputConfig(
        String id,
        URI url,
        Codec codec,
        Duration timeout,
        Map<String, String> headers,
        Optional<URI> healthUrl,
        Optional<ClientTls> tls,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public HttpOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(timeout, "timeout");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(healthUrl, "healthUrl");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return HttpOutputType.NAME;
    }

    /**
     * A GET of {@code health_url} when set (with the output's TLS when it is {@code https://}), else a TCP connect to
     * the url's host and port.
     */
    @Override
    public Probe probe() {
        return healthUrl.<Probe>map(h -> new Probe.HttpGet(h, tls))
                .orElseGet(() -> new Probe.TcpConnect(Probe.hostPortOf(url)));
    }

    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(timeout);
    }
}
