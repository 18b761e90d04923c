package dev.gapless.agent.output.kafka;

import dev.gapless.agent.output.Sink;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.agent.plugin.OutputFactory;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.kafka.KafkaOutputType;
import dev.gapless.config.plugin.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Builds {@code type: kafka} outputs: the secret files are read and the producer made when the output starts. */
public final class KafkaOutputFactory implements OutputFactory<KafkaOutputConfig> {

    @Override
    public OutputType<KafkaOutputConfig> type() {
        return KafkaOutputType.INSTANCE;
    }

    @Override
    public Sink create(KafkaOutputConfig config, OutputContext ctx) {
        Credentials credentials;
        try {
            credentials = Credentials.load(config);
        } catch (IOException e) {
            throw new UncheckedIOException("output " + config.id() + ": " + e.getMessage(), e);
        }
        Map<String, Object> settings = ProducerSettings.of(config, credentials);
        return new KafkaSink(config, ctx.agentId(), () -> new KafkaProducer<>(settings));
    }
}
