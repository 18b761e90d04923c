package dev.gapless.it.watchdog;

import static dev.gapless.it.watchdog.WatchdogRig.is;
import static dev.gapless.it.watchdog.WatchdogRig.restarts;
import static dev.gapless.it.watchdog.WatchdogRig.time;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.SeqLedger;
import dev.gapless.it.support.Signals;
import dev.gapless.it.support.SteadySender;
import dev.gapless.watchdog.policy.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a restart repairs, and one it cannot, with real processes: {@code bin/gapless watchdog} supervising the
 * agent as its child, failpoints armed through {@code GAPLESS_FAILPOINTS}, a steady stream over TCP and an HTTP
 * destination that acknowledges. Every accepted event (every seq) must arrive.
 */
class WatchdogRepairIT {

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
    void requestTheAgentNeverTimesOutIsRestartedOnceItOutlivesTheOutputTimeoutPlusGraceAndTheBacklogDrains()
            throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        Scenarios.Figures f = Scenarios.wedgedUpload(rig, "run", 3000);
        System.out.println("scenario 1: " + f);

        assertThat(f.decision().path("decision").asText()).isEqualTo("thread_dump_and_restart");
        assertThat(f.decision().path("cause").asText()).isEqualTo("agent_side_fault");
        // Until the request outlives the output's own timeout plus a grace, the agent may be waiting on a slow
        // destination: no restart before that deadline, and one within 2 probes after it.
        JsonNode seen = f.decision().path("observations");
        long deadline = Math.max(rig.settings.stall().toMillis(),
                WatchdogRig.Settings.parse(WatchdogRig.OUTPUT_TIMEOUT).plus(PolicySettings.SEND_TIMEOUT_GRACE)
                        .toMillis());
        assertThat(seen.path("send_deadline_ms").asLong()).as("the watchdog's deadline for the output")
                .isEqualTo(deadline);
        // in_flight_ms is the agent's /health "now" minus its in_flight_since, both the agent's clock: the figure the
        // policy compared with the deadline, so the lower bound is exact (a restart any earlier is a policy bug).
        // The first probe past the deadline decides: at most a probe interval later, 2 for margin, plus a probe
        // that overran by up to health_timeout (the next one follows at once).
        long slack = WatchdogRig.Settings.parse(rig.settings.healthTimeout()).toMillis();
        long bound = deadline + rig.settings.probe().multipliedBy(2).toMillis() + slack;
        long inFlightMs = seen.path("in_flight_ms").asLong(-1);
        System.out.printf("scenario 1: restart decided at in_flight_ms %d (deadline %d, bound %d); incident time"
                + " − in_flight_since %d ms%n", inFlightMs, deadline, bound, f.detectMs());
        assertThat(inFlightMs).as("the wedged send's age on the agent's clock when the watchdog decided the restart:"
                + " not before the deadline max(stall_timeout, timeout + grace) = %d ms, and at most 2 probe"
                + " intervals + health_timeout (%d ms of slack) after it", deadline, slack)
                .isBetween(deadline, bound);
        assertThat(f.restarts()).as("one restart: the restarted agent is not wedged again; incidents %s",
                rig.incidents()).isEqualTo(1);
        assertThat(rig.agentOutText()).contains("FAILPOINT NOT ARMED");
        assertThat(f.ledger().complete(f.head())).as("every seq arrived: %s", f.ledger()).isTrue();
        assertThat(f.ledger().declared()).isZero();
        assertThat(f.ledger().duplicates()).as("duplicates at most the batches in flight").isLessThanOrEqualTo(
                WatchdogRig.MAX_DUPLICATES);
        assertThat(Files.exists(Path.of(f.decision().path("thread_dump").asText()))).isTrue();
    }

    @Test
    void frozenAgentIsKilledAtOnceWithoutADumpAndItsReplacementAnswersWithin15Seconds() throws Exception {
        // The settings; stop_timeout at its default (20 s): SIGTERM would wait all of it.
        rig = new WatchdogRig(dir, new WatchdogRig.Settings("1s", "1s", 3, "60s", "20s", 2, "10m"));
        rig.startRun(null, "watchdog.log");
        long first = rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(Scenarios.RATE);
        Await.until("the agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig) >= Scenarios.RATE);

        Instant frozen = Instant.now();
        Signals.send("STOP", first);
        JsonNode alert = rig.webhook.await("the restart decision", Duration.ofSeconds(60), restarts());
        Instant alerted = Instant.now();
        long second = rig.awaitNewAgent(first, Duration.ofSeconds(60));
        long upMs = Duration.between(frozen, Instant.now()).toMillis();
        JsonNode restart = rig.awaitIncident("the restart in the journal", Duration.ofSeconds(10), restarts());
        Await.until("the new agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig) >= Scenarios.RATE);
        sender.close();
        long head = rig.awaitDrained(Duration.ofSeconds(60));
        SeqLedger ledger = Scenarios.awaitLedger(rig, head);
        long decidedMs = Duration.between(frozen, time(restart)).toMillis();
        long alertMs = Duration.between(time(restart), alerted).toMillis();
        System.out.printf("scenario 6: SIGSTOP of pid %d → %s/%s decided after %d ms, webhook %d ms after the"
                        + " decision, pid %d answering 200 after %d ms; %s; action: %s%n", first,
                restart.path("decision").asText(), restart.path("cause").asText(), decidedMs, alertMs, second, upMs,
                ledger, restart.path("action_taken").asText());

        assertThat(upMs).as("SIGSTOP → the new agent's /health answers 200").isLessThanOrEqualTo(15_000);
        assertThat(restart.path("decision").asText()).isEqualTo("kill_and_restart");
        assertThat(restart.path("cause").asText()).isEqualTo("frozen");
        assertThat(restart.path("thread_dump").isNull()).as("no dump of a stopped JVM").isTrue();
        assertThat(restart.path("action_taken").asText()).contains("SIGKILL");
        assertThat(alert.path("cause").asText()).isEqualTo("frozen");
        assertThat(alertMs).as("the alert goes out at the decision, not after the repair").isLessThan(5_000);
        assertThat(Scenarios.restartIncidents(rig)).hasSize(1);
        assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
        assertThat(ledger.declared()).isZero();
        assertThat(ledger.duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
    }

    @Test
    void agentKilledWithSigkillIsRestartedWithinSecondsAndNothingIsLost() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        rig.startWatchdog(null, "watchdog.log");
        long first = rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(Scenarios.RATE);
        Await.until("the agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig) >= Scenarios.RATE);

        Instant killed = Instant.now();
        ProcessHandle agent = ProcessHandle.of(first).orElseThrow();
        agent.destroyForcibly();
        agent.onExit().get();
        long second = rig.awaitNewAgent(first, Duration.ofSeconds(20));
        long upMs = Duration.between(killed, Instant.now()).toMillis();
        JsonNode crash = rig.awaitIncident("crash restart", Duration.ofSeconds(5), is("restart", "crash"));
        Await.until("the new agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig) >= Scenarios.RATE);
        sender.close();
        long head = rig.awaitDrained(Duration.ofSeconds(60));
        SeqLedger ledger = Scenarios.awaitLedger(rig, head);
        System.out.printf("scenario 3: kill -9 of pid %d → crash decided after %d ms, pid %d answering after %d ms;"
                        + " %s%n", first, Duration.between(killed, time(crash)).toMillis(), second, upMs, ledger);

        assertThat(Duration.between(killed, time(crash)).toMillis()).as("a vanished child is acted on at once")
                .isLessThanOrEqualTo(rig.settings.probe().multipliedBy(2).toMillis());
        assertThat(upMs).as("restarted within seconds").isLessThan(15_000);
        assertThat(Scenarios.restartIncidents(rig)).hasSize(1);
        assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
        assertThat(ledger.declared()).isZero();
        assertThat(ledger.duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
    }

    @Test
    void hangingHealthIsRestartedWithAThreadDumpNextToTheIncidentJournal() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        rig.startWatchdog("admin.health_hang" + rig.once("hang"), "watchdog.log");
        Await.until("the first agent wrote its pid", Duration.ofSeconds(30), () -> rig.agentPid().isPresent());
        long first = rig.agentPid().getAsLong();
        SteadySender sender = rig.send(Scenarios.RATE);

        JsonNode restart = rig.awaitIncident("restart of the hung agent", Duration.ofSeconds(30), restarts());
        long second = rig.awaitNewAgent(first, Duration.ofSeconds(30));
        Await.until("the new agent accepted a second of the stream", Duration.ofSeconds(30),
                () -> accepted(rig) >= Scenarios.RATE);
        sender.close();
        long head = rig.awaitDrained(Duration.ofSeconds(60));
        SeqLedger ledger = Scenarios.awaitLedger(rig, head);
        System.out.printf("scenario 4: /health hang of pid %d → %s at %s, pid %d; %s; duplicated seqs [%s]%n", first,
                restart.path("cause").asText(), restart.path("time").asText(), second, ledger,
                SeqLedger.duplicateRanges(rig.receiver.lines()));

        assertThat(restart.path("decision").asText()).isEqualTo("thread_dump_and_restart");
        assertThat(restart.path("cause").asText()).isEqualTo("wedged");
        assertThat(restart.path("agent_pid").asLong()).isEqualTo(first);
        Path dump = Path.of(restart.path("thread_dump").asText());
        assertThat(dump.getParent()).isEqualTo(rig.incidentsFile().getParent());
        assertThat(Files.readString(dump)).contains("Full thread dump").contains("gapless-output-central");
        assertThat(Scenarios.restartIncidents(rig)).hasSize(1);
        assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
        assertThat(ledger.duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
    }

    @Test
    void faultARestartCannotFixSpendsTheBudgetAlertsAndLeavesTheAgentRunning() throws Exception {
        WatchdogRig.Settings tight = WatchdogRig.Settings.tight();
        // A wedged agent ignores SIGTERM for longer than this: each restart ends in SIGKILL, quickly.
        rig = new WatchdogRig(dir, new WatchdogRig.Settings(tight.probeInterval(), tight.healthTimeout(),
                tight.unhealthyProbes(), tight.stallTimeout(), "1s", tight.budgetMax(), tight.budgetPer()));
        rig.startWatchdog("output.wedge=" + WatchdogRig.OUTPUT + ":0", "watchdog.log");
        rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(200);

        // Each wedged send is judged only past the output's timeout plus the grace: three of them, two restarts.
        JsonNode spent = rig.webhook.await("restart_budget_spent alert", Duration.ofSeconds(90),
                n -> "restart_budget_spent".equals(n.path("cause").asText()));
        long pid = spent.path("agent_pid").asLong();
        // The agent is left running: for a few probes more, no restart and the same live process.
        Instant watchUntil = time(spent).plus(rig.settings.probe().multipliedBy(8));
        Await.until("a few probes after the budget alert", Duration.ofSeconds(10),
                () -> Instant.now().isAfter(watchUntil));
        sender.close();
        System.out.printf("scenario 5: budget spent after %d restarts, agent pid %d left running; incidents %s%n",
                Scenarios.restartIncidents(rig).size(), pid, rig.incidents());

        assertThat(spent.path("decision").asText()).isEqualTo("alert");
        assertThat(spent.path("observations").path("blocked_cause").asText()).isEqualTo("agent_side_fault");
        assertThat(Scenarios.restartIncidents(rig)).as("restarts stop at restart_budget.max")
                .hasSize(rig.settings.budgetMax());
        assertThat(rig.incidents().stream().filter(is("alert", "restart_budget_spent")).count()).isEqualTo(1);
        assertThat(rig.agentPid()).hasValue(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
        assertThat(rig.agentHealth()).as("the agent still answers /health").isNotNull();
    }

    private static long accepted(WatchdogRig rig) {
        JsonNode h = rig.agentHealth();
        return h == null ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }
}
