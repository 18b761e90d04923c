package dev.gapless.config.output.elasticsearch;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.tls.ClientTls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Batches written to Elasticsearch or OpenSearch with {@code _bulk} {@code create} actions, one document per event
 * (its envelope is the {@code _source}), {@code _id} {@code <agent_id>:<seq>}, so a batch sent twice stores each
 * event once (the second {@code create} answers 409, counted as delivered).
 *
 * @param url         the cluster's base URL ({@code https://127.0.0.1:9200}); a path in it prefixes {@code /_bulk}
 * @param index       the index name, with the event's date (UTC) in it
 * @param codec       always json_lines: each event's envelope is its document
 * @param timeout     bounds one send, its retries of single items included; past it the batch is retried
 * @param compression whether request bodies are gzipped
 * @param auth        basic or API-key credentials, by file; empty for none
 * @param tls         how an {@code https://} url is spoken to; empty for {@code http://}
 */
public record ElasticsearchOutputConfig(
        String id,
        URI url,
        IndexPattern index,
        Codec codec,
        Duration timeout,
        Compression compression,
        Optional<Auth> auth,
        Optional<ClientTls> tls,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Compression DEFAULT_COMPRESSION = Compression.GZIP;

    /** How request bodies go. */
    public enum Compression {
        GZIP,
        NONE
    }

    /** Credentials, named by file (read when the output is built; never in the config, never logged). */
    public sealed interface Auth {
    }

    /** {@code Authorization: Basic}: a user and the file holding its password. */
    public record Basic(String user, Path passwordFile) implements Auth {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
    }

    /** {@code Authorization: ApiKey}: the file holding the key as the cluster gave it (base64 of id:key). */
    public record ApiKey(Path file) implements Auth {
        public ApiKey {
            Objects.requireNonNull(file, "file");
        }
    }

    public ElasticsearchOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return ElasticsearchOutputType.NAME;
    }

    /**
     * {@code GET /_cluster/health}, over https with the output's TLS, without credentials: any answer (401 included)
     * means the cluster is there.
     */
    @Override
    public Probe probe() {
        return new Probe.HttpGet(endpoint("_cluster/health"), tls);
    }

    /** The URL of an API endpoint ({@code _bulk}) under the url's path. */
    public URI endpoint(String name) {
        String base = url.toString();
        return URI.create(base.endsWith("/") ? base + name : base + "/" + name);
    }

    /** Connects are bounded on their own, by {@code timeout} up to this. */
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** {@code timeout} for the requests of a send, plus one connect, which is bounded on its own. */
    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(timeout.plus(connectTimeout()));
    }

    /** How long a connect may take: {@code timeout}, at most {@link #MAX_CONNECT_TIMEOUT}. */
    public Duration connectTimeout() {
        return timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
    }
}
