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

/**
 * Builds {@code type: kafka} outputs. The secret files are read and the producer made when the output starts, and
 * read again for each producer the sink makes after one was left unusable (failed authentication): a password file
 * an operator fixes, or a certificate renewed, is taken at the next try, without a restart.
 */
public final class KafkaOutputFactory implements OutputFactory<KafkaOutputConfig> {

    @Override
    public OutputType<KafkaOutputConfig> type() {
        return KafkaOutputType.INSTANCE;
    }

    @Override
    public Sink create(KafkaOutputConfig config, OutputContext ctx) {
        // the sink makes the first producer now: a secret file that cannot be read fails the start
        return new KafkaSink(config, ctx.agentId(), () -> new KafkaProducer<>(settings(config)));
    }

    /** @throws UncheckedIOException naming the file and what is wrong with it, never its content */
    private static Map<String, Object> settings(KafkaOutputConfig config) {
        try {
            return ProducerSettings.of(config, Credentials.load(config));
        } catch (IOException e) {
            throw new UncheckedIOException("output " + config.id() + ": " + e.getMessage(), e);
        }
    }
}
