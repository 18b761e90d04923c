package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.support.Await;
import dev.gapless.it.support.Delivered;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.HttpReceiver;
import dev.gapless.it.support.LineSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first promise, end to end with real processes: lines sent over TCP to the agent, shipped to an HTTP
 * destination that acknowledges; the agent is killed with SIGKILL mid-stream and started again. Every line
 * /health had counted as accepted before the kill arrives, in order, with duplicates no more than one batch.
 */
class AgentKillIT {

    private static final int LINES = 200_000;
    private static final int BATCH = 1000;
    private static final long RATE = 50_000;

    @TempDir
    Path dir;
    private GaplessProcess agent;
    private HttpReceiver receiver;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyAcceptedLineArrivesAfterKill9() throws Exception {
        receiver = HttpReceiver.start();
        Path config = writeConfig(receiver.url());
        agent = startAgent(config, "agent-1.log");

        long acceptedBeforeKill;
        // Paced, so that the stream lasts about 4 s and the kill after 50,000 accepted lines lands well inside it.
        try (LineSender sender = new LineSender(agent.inputAddress("app"), LINES, 100, RATE)) {
            Await.until("50,000 lines accepted", Duration.ofSeconds(60), () -> accepted(agent) >= 50_000);
            acceptedBeforeKill = accepted(agent);
            agent.kill9();
            sender.join(10_000);
            assertThat(sender.written()).as("the kill came mid-stream").isLessThan(LINES);
        }

        agent = startAgent(config, "agent-2.log");
        Await.until("backlog drained after restart", Duration.ofSeconds(60), () -> backlog(agent) == 0);
        Delivered d = Delivered.of(receiver.lines());
        System.out.printf("kill -9 after %d accepted: delivered %s%n", acceptedBeforeKill, d);
        assertThat(d.isPrefix()).as("distinct lines form a prefix of those sent: %s", d).isTrue();
        assertThat(d.prefix()).as("every line /health counted as accepted arrived").isGreaterThanOrEqualTo(
                (int) acceptedBeforeKill);
        assertThat(d.duplicates()).as("duplicates at most the batches in flight: the one sent, and the one before it "
                + "whose cursor write overlapped it").isLessThanOrEqualTo(2 * BATCH);
    }

    @Test
    void linesAcceptedWhileTheDestinationIsDownArriveOnceItIsUp() throws Exception {
        receiver = HttpReceiver.start();
        receiver.down();
        Path config = writeConfig(receiver.url());
        agent = startAgent(config, "agent-1.log");

        long acceptedBeforeKill;
        try (LineSender sender = new LineSender(agent.inputAddress("app"), 50_000, 100, RATE)) {
            // The first lines can be accepted before the output's first attempt has failed: wait for both.
            Await.until("20,000 lines accepted and the output failing while the destination is down",
                    Duration.ofSeconds(60), () -> accepted(agent) >= 20_000 && failures(agent) > 0);
            acceptedBeforeKill = accepted(agent);
            agent.kill9();
        }

        agent = startAgent(config, "agent-2.log");
        receiver.up();
        Await.until("backlog drained after the destination came back", Duration.ofSeconds(90),
                () -> backlog(agent) == 0);
        Delivered d = Delivered.of(receiver.lines());
        System.out.printf("destination down, kill -9 after %d accepted: delivered %s%n", acceptedBeforeKill, d);
        assertThat(d.isPrefix()).as("distinct lines form a prefix: %s", d).isTrue();
        assertThat(d.prefix()).isGreaterThanOrEqualTo((int) acceptedBeforeKill);
        assertThat(d.duplicates()).isZero();
    }

    private GaplessProcess startAgent(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private Path writeConfig(String url) throws Exception {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                journal:
                  durability: batch
                  max_size: 512MiB
                  min_free: 64MiB
                  segment_size: 16MiB
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: app
                    type: tcp
                    listen: 127.0.0.1:0
                outputs:
                  - id: central
                    type: http
                    url: %s
                    timeout: 5s
                    batch: { max_events: %d }
                    retry: { initial_backoff: 50ms, max_backoff: 500ms }
                """.formatted(url, BATCH));
        return config;
    }

    private static long accepted(GaplessProcess agent) {
        var h = agent.health();
        return h == null ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }

    private static int failures(GaplessProcess agent) {
        var h = agent.health();
        return h == null ? 0 : h.path("outputs").path("central").path("consecutive_failures").asInt();
    }

    private static long backlog(GaplessProcess agent) {
        var h = agent.health();
        return h == null ? Long.MAX_VALUE : h.path("outputs").path("central").path("backlog_events").asLong();
    }
}
