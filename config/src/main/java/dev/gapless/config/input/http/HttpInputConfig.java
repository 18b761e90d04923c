package dev.gapless.config.input.http;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.InputConfig;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.tls.ServerTls;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Events POSTed over HTTP: NDJSON, a JSON array of objects, or plain text lines. A request is answered 200 only once
 * every event of it is durable, and is taken whole or not at all.
 *
 * @param listen               bind address (required; use 127.0.0.1 unless other hosts must reach it)
 * @param path                 the one path events are POSTed to; another path is answered 404
 * @param maxBodyBytes         a request body (as sent, compressed or not) longer than this is answered 413 and
 *                             the connection closed; nothing of it is taken. It is also the most one connection
 *                             holds in memory while a request arrives
 * @param maxDecompressedBytes a gzip body that inflates past this is answered 413, inflating stopped at the bound
 * @param maxEventBytes        a text line longer than this is cut and tagged {@code truncated}; a JSON object
 *                             whose message and fields together are longer refuses its request (413, naming it)
 * @param messageKey           the key of a JSON object whose value becomes the event's message
 * @param maxConnections       a new connection past this many open ones is closed on accept (counted)
 * @param idleTimeout          a connection that sends nothing for this long while no request of it is being
 *                             answered is closed (a request half sent that long is dropped, never taken)
 * @param auth                 when set, a request without the bearer token is answered 401
 * @param tls                  when set, the listener speaks TLS only (mTLS with a CA file)
 * @param expectEventsEvery    see {@link InputConfig#expectEventsEvery()}
 */
public record HttpInputConfig(
        String id,
        HostPort listen,
        String path,
        ByteSize maxBodyBytes,
        ByteSize maxDecompressedBytes,
        ByteSize maxEventBytes,
        String messageKey,
        int maxConnections,
        Duration idleTimeout,
        Optional<BearerAuth> auth,
        Optional<ServerTls> tls,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    public static final String DEFAULT_PATH = "/ingest";
    public static final ByteSize DEFAULT_MAX_BODY_BYTES = ByteSize.ofMebibytes(10);
    /** {@code max_decompressed_bytes} is this many times {@code max_body_bytes} unless set. */
    public static final int DEFAULT_DECOMPRESSION_RATIO = 4;
    public static final ByteSize DEFAULT_MAX_EVENT_BYTES = ByteSize.ofMebibytes(1);
    public static final String DEFAULT_MESSAGE_KEY = "message";
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public HttpInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxBodyBytes, "maxBodyBytes");
        Objects.requireNonNull(maxDecompressedBytes, "maxDecompressedBytes");
        Objects.requireNonNull(maxEventBytes, "maxEventBytes");
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
    }

    @Override
    public String type() {
        return HttpInputType.NAME;
    }
}
