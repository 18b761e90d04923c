package dev.gapless.agent.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sink without a cluster to reach, or with a peer that never answers: every send still ends, as a retryable
 * timeout within its bound, never as a missing topic.
 */
class KafkaSinkTest {

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSendToAnUnreachableClusterIsARetryableTimeoutWithinItsBound() throws Exception {
        KafkaOutputConfig c = KafkaTestConfigs.plain("bus", List.of(new HostPort("127.0.0.1", closedPort())), "logs",
                Duration.ofMillis(800), Duration.ofMillis(300));
        byte[] payload = "{\"seq\":1}\n{\"seq\":2}\n".getBytes(StandardCharsets.UTF_8);
        try (KafkaSink sink = (KafkaSink) new KafkaOutputFactory().create(c,
                new OutputContext(null, Clock.systemUTC(), UUID.randomUUID()))) {
            assertThat(sink.destination()).isEqualTo("kafka://127.0.0.1:" + c.bootstrapServers().get(0).port()
                    + "/logs");
            long start = System.nanoTime();
            Outcome o = sink.send(new EncodedBatch(1, 2, 2, payload, payload.length)).toCompletableFuture()
                    .get(c.sendTimeout().orElseThrow().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(o).isInstanceOf(Outcome.Retryable.class);
            assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
            assertThat(((Outcome.Retryable) o).message()).contains("TimeoutException");
            assertThat(tookMs).isLessThan(c.sendTimeout().orElseThrow().toMillis());
        }
    }

    @Test
    void aPeerThatTakesTheConnectionButNeverAnswersIsATimeoutNotAMissingTopic() throws Exception {
        // connected but silent: the producer holds an open connection and gets no metadata; only a cluster that
        // answers (UNKNOWN_TOPIC_OR_PARTITION) may be called one without the topic
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (!silent.isClosed()) {
                        held.add(silent.accept()); // kept open, never read from, never written to
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            KafkaOutputConfig c = KafkaTestConfigs.plain("bus", List.of(new HostPort("127.0.0.1",
                    silent.getLocalPort())), "logs", Duration.ofMillis(800), Duration.ofMillis(300));
            byte[] payload = "{\"seq\":1}\n".getBytes(StandardCharsets.UTF_8);
            try (KafkaSink sink = (KafkaSink) new KafkaOutputFactory().create(c,
                    new OutputContext(null, Clock.systemUTC(), UUID.randomUUID()))) {
                Outcome o = sink.send(new EncodedBatch(1, 1, 1, payload, payload.length)).toCompletableFuture()
                        .get(c.sendTimeout().orElseThrow().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                assertThat(o).isInstanceOf(Outcome.Retryable.class);
                assertThat(((Outcome.Retryable) o).kind()).as(((Outcome.Retryable) o).message())
                        .isEqualTo(Outcome.ErrorKind.TIMEOUT);
                assertThat(((Outcome.Retryable) o).message()).doesNotContain("no such topic");
            }
        }
    }

    @Test
    void aBatchWithNothingEncodedIsDeliveredWithoutTheCluster() throws Exception {
        KafkaOutputConfig c = KafkaTestConfigs.plain("bus", List.of(new HostPort("127.0.0.1", closedPort())), "logs",
                Duration.ofMillis(800), Duration.ofMillis(300));
        try (KafkaSink sink = (KafkaSink) new KafkaOutputFactory().create(c,
                new OutputContext(null, Clock.systemUTC(), UUID.randomUUID()))) {
            // the line codec writes nothing for heartbeats: a batch of them has no record to produce
            Outcome o = sink.send(new EncodedBatch(1, 3, 3, new byte[0], 0)).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(o).isEqualTo(Outcome.DELIVERED);
        }
    }
}
