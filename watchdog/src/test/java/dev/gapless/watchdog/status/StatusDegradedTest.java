package dev.gapless.watchdog.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.HostPort;
import dev.gapless.watchdog.probe.AgentHealth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gapless status} shows why the agent is degraded, one line per reason, under the agent's line. */
class StatusDegradedTest {

    @TempDir
    Path dataDir;

    @Test
    void printsEveryDegradedReasonWithItsSubjectAgeAndDetail() throws Exception {
        long now = 1_763_892_000_000L;
        AgentHealth h = new AgentHealth("degraded", 4242L, "a", "b", now, 600_000,
                new AgentHealth.Journal(7, 7, 4L << 20, 4L << 30, true, "min_free"), Map.of(), Map.of(), List.of(
                        new AgentHealth.Degraded("min_free", now - 125_000, "90.0MiB free of 96.0MiB, min_free is 1GiB",
                                null, null),
                        new AgentHealth.Degraded("cursor_commit_failing", now - 3_000, "File name too long", "central",
                                null),
                        new AgentHealth.Degraded("ingest_blocked", now - 58_000, "3 sender(s) paused", null, "app")));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StatusCommandTest config = new StatusCommandTest();
        config.dataDir = dataDir;
        new StatusCommand(config.config(9), new PrintStream(buf, true, StandardCharsets.UTF_8))
                .print(h, new HostPort("127.0.0.1", 9));
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).contains("status degraded");
        assertThat(lines.subList(1, 4)).containsExactly(
                "DEGRADED  min_free  since 2m5s ago  90.0MiB free of 96.0MiB, min_free is 1GiB",
                "DEGRADED  cursor_commit_failing output central  since 3.0s ago  File name too long",
                "DEGRADED  ingest_blocked input app  since 58.0s ago  3 sender(s) paused");
    }
}
