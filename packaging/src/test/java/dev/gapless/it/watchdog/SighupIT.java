package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.Signals;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP, as service managers and logrotate scripts send it, to a real agent and a real watchdog under
 * {@code gapless run}: until reload exists both log it at INFO and carry on.
 */
class SighupIT {

    /** The INFO line both processes log (docs/operations.md, "Signals"). */
    static final String LOGGED = "SIGHUP received: ignored";

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
    void sighupIsLoggedAndIgnoredByTheAgentAndTheWatchdog() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        GaplessProcess watchdog = rig.startRun(null, "watchdog.log");
        long agent = rig.awaitAgent(Duration.ofSeconds(30));
        Await.until("the watchdog answers /health", Duration.ofSeconds(30),
                () -> rig.watchdogHealth(watchdog.pid()) != null);

        Signals.send("HUP", agent);
        Signals.send("HUP", watchdog.pid());
        try {
            Await.until("the agent logged the SIGHUP", Duration.ofSeconds(10),
                    () -> rig.agentOutText().contains(LOGGED));
            Await.until("the watchdog logged the SIGHUP", Duration.ofSeconds(10),
                    () -> watchdog.logText().contains(LOGGED));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; agent alive " + alive(agent) + ", watchdog alive "
                    + watchdog.process().isAlive() + "\nwatchdog log tail: " + WatchdogRig.tail(dir.resolve(
                    "watchdog.log"), 2000) + "\nagent.out tail: " + WatchdogRig.tail(rig.agentOut(), 2000), e);
        }
        // Both carry on: the same agent answers, and the watchdog goes on probing it.
        String probeAfterHup = rig.watchdogHealth(watchdog.pid()).path("last_probe").path("at").asText();
        Await.until("the watchdog probed again after the SIGHUP", Duration.ofSeconds(10), () -> {
            JsonNode h = rig.watchdogHealth(watchdog.pid());
            return h != null && !h.path("last_probe").path("at").asText().equals(probeAfterHup);
        });
        System.out.printf("SIGHUP to agent pid %d and watchdog pid %d: both logged it and run on%n", agent,
                watchdog.pid());

        assertThat(alive(agent)).isTrue();
        assertThat(watchdog.process().isAlive()).isTrue();
        assertThat(rig.agentHealth()).as("the agent still answers /health").isNotNull();
        assertThat(rig.agentHealth().path("pid").asLong()).as("the same agent, not a restarted one").isEqualTo(agent);
        assertThat(rig.incidents()).as("no decision: nothing went wrong").isEmpty();
        assertThat(rig.agentOutText()).containsPattern(" INFO .*" + LOGGED);
        assertThat(watchdog.logText()).containsPattern(" INFO .*" + LOGGED);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
