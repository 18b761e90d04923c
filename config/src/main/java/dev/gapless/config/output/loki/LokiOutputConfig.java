package dev.gapless.config.output.loki;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.tls.ClientTls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Batches pushed to Loki's {@code POST /loki/api/v1/push} as JSON. 204 (any 2xx) = delivered; 400 and 413 reject
 * the batch (split to find the events refused); 401, 403, 404, 429, 5xx and timeouts are retried.
 *
 * @param url             Loki's base URL ({@code http://127.0.0.1:3100}); the push and ready paths are added to it
 * @param labels          static labels of every stream (at least one)
 * @param labelFields     envelope keys ({@code source}, {@code host}, {@code kind}) or {@code fields.a.b} paths whose
 *                        values become labels, named by their last segment
 * @param lineFormat      the entry's line: the message, or the whole envelope
 * @param tenantId        sent as {@code X-Scope-OrgID} when set
 * @param basicAuth       basic authentication, the password read from a file
 * @param bearerTokenFile a bearer token read from a file
 * @param timeout         a push without a full answer after this long fails and is retried
 * @param maxStreams      distinct label sets in one push at most; events past it go to the overflow stream
 */
public record LokiOutputConfig(
        String id,
        URI url,
        Map<String, String> labels,
        List<String> labelFields,
        LineFormat lineFormat,
        Optional<String> tenantId,
        Optional<BasicAuth> basicAuth,
        Optional<Path> bearerTokenFile,
        Duration timeout,
        int maxStreams,
        Optional<ClientTls> tls,
        Codec codec,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Map<String, String> DEFAULT_LABELS = Map.of("job", "gapless");
    public static final LineFormat DEFAULT_LINE_FORMAT = LineFormat.MESSAGE;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_STREAMS = 64;
    /** At most this many label_fields: each multiplies the streams Loki indexes. */
    public static final int MAX_LABEL_FIELDS = 4;
    /** Loki's default {@code max_label_names_per_series}: more labels per stream and it refuses every push. */
    public static final int MAX_LABELS = 15;
    /** A label value taken from an event is cut to this many characters (Loki refuses values over 2048). */
    public static final int MAX_LABEL_VALUE_CHARS = 128;
    public static final String PUSH_PATH = "/loki/api/v1/push";
    public static final String READY_PATH = "/ready";

    /** What an entry's line holds. */
    public enum LineFormat {
        /** The event's message (heartbeats and loss markers: their envelope, which has no message to show). */
        MESSAGE,
        /** The whole envelope as JSON. */
        JSON
    }

    /** Basic authentication; the password is the file's content, a trailing newline dropped. */
    public record BasicAuth(String username, Path passwordFile) {
        public BasicAuth {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
    }

    public LokiOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        labels = Map.copyOf(labels);
        labelFields = List.copyOf(labelFields);
        Objects.requireNonNull(lineFormat, "lineFormat");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(basicAuth, "basicAuth");
        Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return LokiOutputType.NAME;
    }

    /** The url with {@code path} appended to its own path. */
    public URI resolve(String path) {
        String base = url.getRawPath() == null ? "" : url.getRawPath();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + base + path);
    }

    /**
     * Loki's readiness endpoint, {@code GET /ready} with the output's TLS: an answer (any status) shows the push
     * endpoint reachable.
     */
    @Override
    public Probe probe() {
        return new Probe.HttpGet(resolve(READY_PATH), tls);
    }

    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(timeout);
    }
}
