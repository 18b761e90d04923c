package dev.gapless.config.output.kafka;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.FieldPath;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Events produced to a Kafka topic, one record per event (the value is the event's encoded line, without its
 * newline). A batch is delivered once every record of it is acknowledged by all in-sync replicas ({@code acks=all},
 * idempotent producer: neither is settable). A producer that gives up on a record ({@code delivery_timeout}), an
 * unreachable cluster and errors about the destination or the credentials (authorization, an unknown topic) are
 * retried forever; only a record the broker refuses for its own sake (too large) rejects the batch, which the
 * worker splits to find it.
 *
 * @param bootstrapServers where the producer first connects; the watchdog probes each in turn
 * @param topic            the topic every event goes to
 * @param key              what each record's key is
 * @param compression      the producer's compression of record batches
 * @param deliveryTimeout  the producer gives up on a record not acknowledged this long after it was handed over;
 *                         the batch is then retried by the output (delivery.timeout.ms)
 * @param requestTimeout   one request without an answer this long fails (request.timeout.ms); also how long handing a
 *                         record to the producer may block while the cluster's metadata is unknown (max.block.ms)
 * @param linger           how long the producer waits to fill a request (linger.ms): small, the output batches
 * @param tls              TLS to the brokers, when set
 * @param sasl             SASL authentication, when set
 * @param routing          key and topic taken from each event's fields, where they are set
 */
public record KafkaOutputConfig(
        String id,
        List<HostPort> bootstrapServers,
        String topic,
        Key key,
        Compression compression,
        Duration deliveryTimeout,
        Duration requestTimeout,
        Duration linger,
        Optional<ClientTls> tls,
        Optional<Sasl> sasl,
        Codec codec,
        BatchConfig batch,
        RetryConfig retry,
        Routing routing) implements OutputConfig {

    public static final Codec DEFAULT_CODEC = Codec.JSON_LINES;
    public static final Key DEFAULT_KEY = Key.AGENT_SEQ;
    /** No compression by default: gzip needs nothing but the JDK, lz4, zstd and snappy run bundled native code. */
    public static final Compression DEFAULT_COMPRESSION = Compression.NONE;
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    /** Added to the producer's own bounds for the sink's: the callbacks of records it gave up on have come by then. */
    public static final Duration SEND_MARGIN = Duration.ofSeconds(5);

    /**
     * Per-event routing from the envelope (codec {@code json_lines}).
     *
     * @param keyField   the record's key is this field's value (a string, a number or a boolean, as text); an
     *                   event without it gets {@code key}'s
     * @param topicField the record goes to the topic this field names; an event without it, or naming no valid
     *                   topic, goes to {@code topic}
     */
    public record Routing(Optional<FieldPath> keyField, Optional<FieldPath> topicField) {
        public static final Routing NONE = new Routing(Optional.empty(), Optional.empty());

        public Routing {
            Objects.requireNonNull(keyField, "keyField");
            Objects.requireNonNull(topicField, "topicField");
        }
    }

    /** Every event with {@code key}'s key, to {@code topic}. */
    public KafkaOutputConfig(String id, List<HostPort> bootstrapServers, String topic, Key key, Compression compression,
            Duration deliveryTimeout, Duration requestTimeout, Duration linger, Optional<ClientTls> tls,
            Optional<Sasl> sasl, Codec codec, BatchConfig batch, RetryConfig retry) {
        this(id, bootstrapServers, topic, key, compression, deliveryTimeout, requestTimeout, linger, tls, sasl, codec,
                batch, retry, Routing.NONE);
    }

    /** What a record's key is. */
    public enum Key {
        /** {@code <agent_id>:<seq>}: unique per event, so records spread over the partitions. */
        AGENT_SEQ,
        /** No key: the producer's sticky partitioner picks the partition per request. */
        NONE
    }

    /** The producer's compression.type. */
    public enum Compression {
        NONE,
        GZIP,
        LZ4,
        ZSTD,
        SNAPPY
    }

    /** The SASL mechanisms offered, by their Kafka names. */
    public enum Mechanism {
        PLAIN("PLAIN"),
        SCRAM_SHA_256("SCRAM-SHA-256"),
        SCRAM_SHA_512("SCRAM-SHA-512");

        private final String kafkaName;

        Mechanism(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        /** As Kafka (and the config) writes it: {@code SCRAM-SHA-256}. */
        public String kafkaName() {
            return kafkaName;
        }
    }

    /**
     * SASL authentication; the password is read from a file when the output starts, never held in the config.
     *
     * @param passwordFile holds the password (one trailing newline is ignored); should be readable by the agent only
     */
    public record Sasl(Mechanism mechanism, String username, Path passwordFile) {
        public Sasl {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }
    }

    public KafkaOutputConfig {
        Objects.requireNonNull(id, "id");
        bootstrapServers = List.copyOf(bootstrapServers);
        if (bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException("no bootstrap server");
        }
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(sasl, "sasl");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(routing, "routing");
    }

    @Override
    public String type() {
        return KafkaOutputType.NAME;
    }

    /** A metadata request through the bootstrap servers, with the output's TLS and SASL. */
    @Override
    public Probe probe() {
        return new Probe.KafkaMetadata(bootstrapServers, tls, sasl);
    }

    /**
     * Handing the records over may block up to {@code request_timeout} (unknown metadata, a full buffer), and the
     * producer gives up on each {@code delivery_timeout} after; the sink fails the send itself a margin later.
     */
    @Override
    public Optional<Duration> sendTimeout() {
        return Optional.of(requestTimeout.plus(deliveryTimeout).plus(SEND_MARGIN));
    }
}
