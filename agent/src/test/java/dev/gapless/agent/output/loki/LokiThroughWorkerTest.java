package dev.gapless.agent.output.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.WorkerHarness;
import dev.gapless.config.output.loki.LokiOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loki sink behind the real output worker: what Loki refuses is dead-lettered, everything else arrives once. */
class LokiThroughWorkerTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeLoki loki = new FakeLoki();
    @TempDir
    Path dir;

    LokiThroughWorkerTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        loki.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void anEntryLokiRefusesIsDeadLetteredAndTheRestOfItsPushArrivesOnce() throws Exception {
        loki.maxLineBytes = 1000; // Loki's max_line_size: longer lines are refused, the rest of the push stored
        LokiSink sink = new LokiSink(LokiSinkTest.config(loki.url(), List.of("source"),
                LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(), Optional.empty(), Duration.ofSeconds(10),
                64), group);
        try (WorkerHarness h = new WorkerHarness(dir, sink, 100)) {
            h.append("app", "ok-1", "ok-2");
            long last = h.append("app", "too long " + "x".repeat(2000), "ok-4", "ok-5");
            loki.script.add(new FakeLoki.Scripted(503, null, 0)); // and a destination failure on the way

            // the loss marker declaring the rejected record follows it
            assertThat(h.runUntilAcked(last + 1, 200)).isEqualTo(last + 1);

            assertThat(loki.entries()).extracting(FakeLoki.Entry::line).filteredOn(l -> !l.startsWith("{"))
                    .containsExactlyInAnyOrder("ok-1", "ok-2", "ok-4", "ok-5");
            assertThat(loki.stream(Map.of("job", "gapless", "source", "_agent"))).singleElement()
                    .satisfies(e -> assertThat(e.line()).contains("\"kind\":\"loss\"").contains("rejected"));
            assertThat(loki.entries()).extracting(e -> e.metadata().get("agent_id"))
                    .containsOnly(h.agentId.toString());
            assertThat(h.deadLetters()).hasSize(1).first().asString().contains("too long xxx");
            assertThat(h.status().rejectedRecords.sum()).isEqualTo(1);
            assertThat(loki.requests.size()).as("the 503, the refused push, then its halves").isGreaterThan(3);
        } finally {
            sink.close();
        }
    }
}
