package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.GaplessProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that cannot take events is not "ok": under {@code bin/gapless watchdog}, a min_free above the free space
 * makes /health degraded (min_free, then ingest_blocked once senders have waited), the watchdog alerts both and
 * restarts nothing (a restart frees no disk), and {@code gapless status} shows why.
 */
class DegradedIT {

    @TempDir
    Path dir;
    private WatchdogRig rig;

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void minFreeAboveTheFreeSpaceIsDegradedAlertedAndNeverRestarted() throws Exception {
        // Quick probes, but a stall_timeout (and so a start grace) long enough that a slow JVM start on a loaded
        // machine is not judged: the point is that min_free itself never restarts the agent.
        rig = new WatchdogRig(dir, new WatchdogRig.Settings("250ms", "1s", 2, "30s", "5s", 2, "1m"));
        // The fault campaign had min_free 1GiB on a 96 MiB file system; a min_free no disk has does the same anywhere.
        Files.writeString(rig.config, Files.readString(rig.config).replace("min_free: 64MiB", "min_free: 1000000TiB"));
        rig.startWatchdog(null, "watchdog.log");
        long pid = rig.awaitAgent(Duration.ofSeconds(60)); // bound: a JVM start on a loaded machine

        JsonNode first = rig.agentHealth();
        assertThat(first.path("status").asText()).as("%s", first).isEqualTo("degraded");
        assertThat(first.path("degraded").get(0).path("reason").asText()).isEqualTo("min_free");

        rig.send(200);
        // bounds: unhealthy_probes (2) × probe_interval (250ms), and ingest_blocked after 10 s of paused senders
        JsonNode minFree = rig.awaitIncident("the min_free alert", Duration.ofSeconds(20),
                WatchdogRig.is("alert", "min_free"));
        JsonNode blocked = rig.awaitIncident("the ingest_blocked alert", Duration.ofSeconds(40),
                WatchdogRig.is("alert", "ingest_blocked"));
        System.out.println("degraded: min_free alerted " + minFree.path("time").asText() + ", ingest_blocked "
                + blocked.path("time").asText() + " (input " + blocked.path("input").asText() + ")");

        JsonNode h = rig.agentHealth();
        List<String> reasons = new ArrayList<>();
        h.path("degraded").forEach(d -> reasons.add(d.path("reason").asText()));
        assertThat(reasons).containsExactly("min_free", "ingest_blocked");
        assertThat(h.path("inputs").path("app").path("accepted").asLong()).as("0 events taken").isZero();
        assertThat(h.path("pid").asLong()).as("the same agent").isEqualTo(pid);
        assertThat(rig.incidents()).as("no restart").noneMatch(WatchdogRig.restarts());

        String status = status();
        assertThat(status).contains("status degraded").contains("DEGRADED  min_free  since")
                .contains("DEGRADED  ingest_blocked input app  since");
    }

    /** {@code gapless status}, bounded: it probes /health with health_timeout and reads the incident journal. */
    private String status() throws Exception {
        Path out = dir.resolve("status.out");
        Process p = new ProcessBuilder(GaplessProcess.home().resolve("bin/gapless").toString(), "status", "--config",
                rig.config.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("status finishes within 30 s").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
