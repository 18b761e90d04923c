package dev.gapless.agent.output.kafka;

import dev.gapless.config.HostPort;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
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
        boolean tls = c.tls().isPresent();
        boolean sasl = c.sasl().isPresent();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT"));
        c.tls().ifPresent(t -> {
            // Each broker's certificate must name the host it is reached at, as advertised: Kafka's default, set so
            // that no other default turns it off (the config refuses verify: false and server_name).
            p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
            t.caFile().ifPresent(ca -> {
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.toString());
            });
            if (credentials.certificateChain().isPresent()) {
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG,
                        new Password(credentials.certificateChain().get()));
                p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(credentials.privateKey().orElseThrow()));
            }
        });
        c.sasl().ifPresent(s -> {
            p.put(SaslConfigs.SASL_MECHANISM, s.mechanism().kafkaName());
            String module = s.mechanism() == KafkaOutputConfig.Mechanism.PLAIN
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(module + " required username=\"" + quoted(s.username())
                    + "\" password=\"" + quoted(credentials.password().orElseThrow()) + "\";"));
        });
        return p;
    }

    /** A value inside a JAAS double-quoted string: backslash and quote escaped. */
    static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
