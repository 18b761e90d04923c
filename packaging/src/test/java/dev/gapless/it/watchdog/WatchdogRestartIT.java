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
 * The watchdog itself killed with SIGKILL and started again. Never two agents on one data_dir, nothing the agent
 * accepted is lost. Which agent ships afterwards depends on the agent's {@code --exit-with-parent} (see
 * docs/watchdog.md, "Supervision"): one that outlives its parent is adopted, one that has exited is replaced by
 * exactly one new agent, started only once the old one let go of agent.lock.
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
                var agents = AgentProcesses.agents(rig.config);
                agents.forEach(p -> seen.add(p.pid()));
                most.accumulateAndGet(agents.size(), Math::max);
                try {
                    Thread.sleep(10);
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
            rig.startWatchdog(null, "watchdog-2.log");
            long agentAfter = rig.awaitAgent(Duration.ofSeconds(30));
            Await.until("the agent after the watchdog's restart accepted a second of the stream",
                    Duration.ofSeconds(30), () -> accepted(rig, agentAfter) >= Scenarios.RATE);
            JsonNode health = rig.agentHealth();
            long shippingAgain = Duration.between(killed, Instant.now()).toMillis();
            sender.close();
            long head = rig.awaitDrained(Duration.ofSeconds(60));
            SeqLedger ledger = Scenarios.awaitLedger(rig, head);
            System.out.printf("scenario 6: watchdog kill -9; agent %s (pid %d → %d), %d agent pid(s) seen, at most %d"
                            + " at once, shipping again within %d ms; %s; incidents %s%n",
                    agentAfter == agentBefore ? "adopted" : "replaced", agentBefore, agentAfter, seen.size(), most.get(),
                    shippingAgain, ledger, rig.incidents());

            assertThat(most.get()).as("never two agents at once").isLessThanOrEqualTo(1);
            assertThat(seen).as("the old agent, and at most one replacement").hasSizeLessThanOrEqualTo(2);
            assertThat(health.path("pid").asLong()).isEqualTo(agentAfter);
            assertThat(rig.agentOutText()).as("no agent was refused the data_dir's lock")
                    .doesNotContain("another agent is running");
            assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
            assertThat(ledger.declared()).isZero();
            assertThat(ledger.duplicates()).isLessThanOrEqualTo(WatchdogRig.BATCH);
        } finally {
            watcher.interrupt();
        }
    }

    private static long accepted(WatchdogRig rig, long pid) {
        JsonNode h = rig.agentHealth();
        return h == null || h.path("pid").asLong() != pid ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }
}
