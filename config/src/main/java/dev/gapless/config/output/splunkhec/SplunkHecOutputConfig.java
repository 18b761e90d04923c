package dev.gapless.config.output.splunkhec;

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
 * Batches sent to a Splunk HTTP Event Collector's {@code /services/collector/event} as concatenated JSON events.
 * Delivered = HEC code 0, and with {@code ack} the indexer acknowledged the request's ackId ({@code true} from
 * {@code /services/collector/ack}); an ackId not acknowledged within {@code ackTimeout} (an indexer that restarted
 * forgets it) sends the batch again. Token, channel, index and busy problems are retried; events HEC refuses as
 * malformed (codes 5, 6, 12, 13, 15, or HTTP 413) reject the batch, which is split to find them.
 *
 * @param url             the collector's base URL ({@code https://127.0.0.1:8088}); the endpoint paths are added
 * @param tokenFile       the HEC token, read from this file (a trailing newline dropped)
 * @param ack             wait for indexer acknowledgement before a batch counts as delivered
 * @param ackTimeout      how long an ackId may stay unacknowledged before the batch is sent again
 * @param ackPollInterval the pause between two polls of one ackId
 * @param timeout         one request (the events, or one poll) without a full answer after this long fails
 * @param index           the index events go to; the token's default index when absent
 * @param sourcetype      the sourcetype of every event
 * @param eventFormat     the event: the message, or the whole envelope as a JSON object
 */
public record SplunkHecOutputConfig(
        String id,
        URI url,
        Path tokenFile,
        boolean ack,
        Duration ackTimeout,
        Duration ackPollInterval,
        Duration timeout,
        Optional<String> index,
        String sourcetype,
        EventFormat eventFormat,
        Optional<ClientTls> tls,
        Codec codec,
        BatchConfig batch,
        RetryConfig retry) implements OutputConfig {

    public static final boolean DEFAULT_ACK = false;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_ACK_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final String DEFAULT_SOURCETYPE = "gapless";
    public static final EventFormat DEFAULT_EVENT_FORMAT = EventFormat.MESSAGE;
    public static final String EVENT_PATH = "/services/collector/event";
    public static final String ACK_PATH = "/services/collector/ack";
    public static final String HEALTH_PATH = "/services/collector/health";

    /** What each HEC event's {@code event} holds. */
    public enum EventFormat {
        /** The event's message as a string (heartbeats and loss markers: their envelope). */
        MESSAGE,
        /** The whole envelope as a JSON object. */
        JSON
    }

    public SplunkHecOutputConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(ackPollInterval, "ackPollInterval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(sourcetype, "sourcetype");
        Objects.requireNonNull(eventFormat, "eventFormat");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String type() {
        return SplunkHecOutputType.NAME;
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
     * HEC's health endpoint with the output's TLS: an answer (any status, 503 when its queues are full) shows the
     * collector reachable.
     */
    @Override
    public Probe probe() {
        return new Probe.HttpGet(resolve(HEALTH_PATH), tls);
    }

    /**
     * The events' request, then with ack the polls: the last poll may start just before {@code ackTimeout} ends
     * and take up to {@code timeout}, so a send ends within {@code timeout + ackTimeout + timeout}.
     */
    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(ack ? timeout.plus(ackTimeout).plus(timeout) : timeout);
    }
}
