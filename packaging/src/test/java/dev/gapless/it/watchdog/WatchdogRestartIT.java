package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.AgentProcesses;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.SeqLedger;
import dev.gapless.it.support.SteadySender;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog itself killed with SIGKILL and started again: the agent keeps shipping meanwhile (its
 * {@code --exit-with-parent} waits {@code --parent-grace} to be adopted), the new watchdog adopts it — never two
 * agents on one data_dir — and nothing the agent accepted is lost.
 */
class WatchdogRestartIT {

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
    void watchdogKilledAndStartedAgainNeverRunsTwoAgentsAndLosesNothing() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        GaplessProcess first = rig.startWatchdog(null, "watchdog-1.log");
        long agentBefore = rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(Scenarios.RATE);
        Await.until("the agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig, agentBefore) >= Scenarios.RATE);

        AtomicInteger most = new AtomicInteger();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                var owners = AgentProcesses.holdingDataDir(rig.config, rig.dataDir);
                owners.forEach(p -> seen.add(p.pid()));
                most.accumulateAndGet(owners.size(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "agent-count");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Instant killed = Instant.now();
            first.process().destroyForcibly(); // the watchdog only: its agent is left to its own devices
            first.process().waitFor();
            GaplessProcess second = rig.startWatchdog(null, "watchdog-2.log");
            // The agent the new watchdog supervises (adopted or started), from its own /health.
            Await.until("the new watchdog is up", Duration.ofSeconds(30),
                    () -> rig.watchdogHealth(second.pid()) != null
                            && !rig.watchdogHealth(second.pid()).path("agent_pid").isNull());
            long agentAfter = rig.watchdogHealth(second.pid()).path("agent_pid").asLong();
            Await.until("agent " + agentAfter + " accepted a second of the stream", Duration.ofSeconds(30),
                    () -> accepted(rig, agentAfter) >= Scenarios.RATE);
            long shippingAgain = Duration.between(killed, Instant.now()).toMillis();
            boolean oldAlive = ProcessHandle.of(agentBefore).map(ProcessHandle::isAlive).orElse(false);
            sender.close();
            long head = rig.awaitDrained(Duration.ofSeconds(60));
            SeqLedger ledger = Scenarios.awaitLedger(rig, head);
            System.out.printf("scenario 6: watchdog kill -9; agent %s (pid %d → %d), %d agent(s) held the data_dir,"
                            + " at most %d at once, a second of the stream accepted again %d ms after the kill; %s;"
                            + " incidents %s%n", agentAfter == agentBefore ? "adopted" : "replaced", agentBefore,
                    agentAfter, seen.size(), most.get(), shippingAgain, ledger, rig.incidents());

            assertThat(most.get()).as("never two agents on the data_dir at once").isEqualTo(1);
            assertThat(seen).as("the old agent, and at most one replacement").hasSizeLessThanOrEqualTo(2);
            assertThat(agentAfter).as("the new watchdog adopted the agent that kept shipping").isEqualTo(agentBefore);
            assertThat(oldAlive).isTrue();
            assertThat(rig.incidents()).as("no restart: the agent was adopted, or started once at the watchdog's"
                    + " start").noneMatch(WatchdogRig.restarts());
            assertThat(rig.agentOutText()).as("no agent was refused the data_dir's lock")
                    .doesNotContain("another agent is running");
            assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
            assertThat(ledger.declared()).isZero();
            assertThat(ledger.duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
        } finally {
            watcher.interrupt();
        }
    }

    private static long accepted(WatchdogRig rig, long pid) {
        JsonNode h = rig.agentHealth();
        return h == null || h.path("pid").asLong() != pid ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }
}
