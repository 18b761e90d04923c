package dev.gapless.agent.output.kafka;

import dev.gapless.config.HostPort;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.kafka.KafkaSecurity;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer's properties for one output: what the config sets, and what it may not (all in-sync replicas
 * acknowledge, idempotence on, no telemetry pushed to the cluster). Secrets go in as Kafka {@link Password}s, which
 * the producer's own log of its settings hides.
 */
final class ProducerSettings {

    private ProducerSettings() {
    }

    static Map<String, Object> of(KafkaOutputConfig c, Credentials credentials) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                c.bootstrapServers().stream().map(HostPort::toString).collect(Collectors.joining(",")));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "gapless-" + c.id());
        // Delivered means written by every in-sync replica; the producer's own retries are de-duplicated by the
        // broker within one producer session (idempotence needs acks=all and at most 5 requests in flight).
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // The producer retries within delivery.timeout.ms; past it the callback fails and the output retries.
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) c.deliveryTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) c.requestTimeout().toMillis());
        // send() blocks at most this long for metadata or for room in the buffer (32 MiB, the default: at the bound
        // handing over blocks, then fails the record, and the output retries the batch).
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, c.requestTimeout().toMillis());
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) c.linger().toMillis());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, c.compression().name().toLowerCase(Locale.ROOT));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // KIP-714: clients push their metrics to the cluster by default; ours stay in the agent.
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        // security.protocol, ssl.* and sasl.*: the mapping the watchdog's probe of the cluster uses too.
        KafkaSecurity.Secrets secrets = new KafkaSecurity.Secrets(credentials.password(),
                credentials.certificateChain(), credentials.privateKey());
        KafkaSecurity.properties(c.tls(), c.sasl(), secrets).forEach((k, v) ->
                p.put(k, KafkaSecurity.SECRET_PROPERTIES.contains(k) ? new Password(v) : v));
        return p;
    }

    /** A value inside a JAAS double-quoted string: backslash and quote escaped. */
    static String quoted(String value) {
        return KafkaSecurity.quoted(value);
    }
}
