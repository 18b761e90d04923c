package dev.gapless.config.input.otlp;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.InputConfig;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.tls.ServerTls;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * OpenTelemetry logs over OTLP/HTTP: {@code POST /v1/logs}, protobuf or OTLP/JSON, optionally gzip. A request is
 * answered 200 only once every log record taken from it is durable; records refused alone (over
 * {@code max_event_bytes}) are named in the answer's {@code partial_success}.
 *
 * @param listen               bind address (127.0.0.1:4318 unless set)
 * @param maxBodyBytes         a request body (as sent) longer than this is answered 413 and nothing of it is taken;
 *                             also the most one connection holds in memory while a request arrives
 * @param maxDecompressedBytes a gzip body that inflates past this is answered 413, inflating stopped at the bound
 * @param maxEventBytes        a log record whose message and fields together are longer is refused alone
 *                             (counted rejected, reported in {@code partial_success}); the rest of its request is taken
 * @param maxConnections       a new connection past this many open ones is closed on accept (counted)
 * @param idleTimeout          a connection that sends nothing for this long while no request of it is being
 *                             answered is closed (a request half sent that long is dropped, never taken)
 * @param auth                 when set, a request without the bearer token is answered 401 (nothing of it taken)
 * @param tls                  when set, the listener speaks TLS only (mTLS with a CA file)
 * @param expectEventsEvery    see {@link InputConfig#expectEventsEvery()}
 */
public record OtlpInputConfig(
        String id,
        HostPort listen,
        ByteSize maxBodyBytes,
        ByteSize maxDecompressedBytes,
        ByteSize maxEventBytes,
        int maxConnections,
        Duration idleTimeout,
        Optional<BearerAuth> auth,
        Optional<ServerTls> tls,
        Optional<Duration> expectEventsEvery) implements InputConfig {

    /** The one path OTLP/HTTP logs are POSTed to (the OTLP specification's default). */
    public static final String PATH = "/v1/logs";
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 4318);
    public static final ByteSize DEFAULT_MAX_BODY_BYTES = ByteSize.ofMebibytes(10);
    /** {@code max_decompressed_bytes} is this many times {@code max_body_bytes} unless set. */
    public static final int DEFAULT_DECOMPRESSION_RATIO = 4;
    public static final ByteSize DEFAULT_MAX_EVENT_BYTES = ByteSize.ofMebibytes(1);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public OtlpInputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(maxBodyBytes, "maxBodyBytes");
        Objects.requireNonNull(maxDecompressedBytes, "maxDecompressedBytes");
        Objects.requireNonNull(maxEventBytes, "maxEventBytes");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(expectEventsEvery, "expectEventsEvery");
    }

    @Override
    public String type() {
        return OtlpInputType.NAME;
    }
}
