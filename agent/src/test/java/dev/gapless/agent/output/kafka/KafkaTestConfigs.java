package dev.gapless.agent.output.kafka;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Kafka output configs for tests. */
final class KafkaTestConfigs {

    private KafkaTestConfigs() {
    }

    static KafkaOutputConfig plain(String id, List<HostPort> servers, String topic, Duration delivery,
            Duration request) {
        return new KafkaOutputConfig(id, servers, topic, KafkaOutputConfig.DEFAULT_KEY,
                KafkaOutputConfig.DEFAULT_COMPRESSION, delivery, request, Duration.ofMillis(5), Optional.empty(),
                Optional.empty(), Codec.JSON_LINES, BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    static KafkaOutputConfig with(KafkaOutputConfig c, KafkaOutputConfig.Key key,
            KafkaOutputConfig.Compression compression, Optional<ClientTls> tls,
            Optional<KafkaOutputConfig.Sasl> sasl) {
        return new KafkaOutputConfig(c.id(), c.bootstrapServers(), c.topic(), key, compression, c.deliveryTimeout(),
                c.requestTimeout(), c.linger(), tls, sasl, c.codec(), c.batch(), c.retry());
    }
}
