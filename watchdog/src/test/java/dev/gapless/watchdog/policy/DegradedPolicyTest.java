package dev.gapless.watchdog.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.WatchdogConfig.Supervise;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.HealthResult;
import dev.gapless.watchdog.probe.Observation;
import dev.gapless.watchdog.probe.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The rows of the decision table fed by /health's {@code degraded} list: force_failed restarts (as before, now at
 * once rather than after a stall), the other four alert and never restart. Observations only, no processes.
 */
class DegradedPolicyTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final Duration STALL = Duration.ofSeconds(60);

    Instant now = T0;
    long agentNow = T0.toEpochMilli();
    final Policy policy = new Policy(settings(), T0);

    static PolicySettings settings() {
        return new PolicySettings(Supervise.CHILD, 3, STALL, Duration.ofSeconds(5), 5, Duration.ofMinutes(30), STALL,
                Map.of(), Map.of());
    }

    static final AgentHealth.Journal ROOMY = new AgentHealth.Journal(1200, 1200, 1L << 20, 100L << 20, false, null);

    AgentHealth.Degraded entry(String reason, String output, String input) {
        return new AgentHealth.Degraded(reason, T0.toEpochMilli() - 30_000, "detail of " + reason, output, input);
    }

    AgentHealth health(AgentHealth.Journal journal, Map<String, AgentHealth.Output> outputs,
                       List<AgentHealth.Degraded> degraded) {
        return new AgentHealth(degraded.isEmpty() ? "ok" : "degraded", 4242L, "a", "b1", agentNow, 3_600_000, journal,
                Map.of("app", new AgentHealth.Input("tcp", 0, 0, agentNow)), outputs, degraded);
    }

    AgentHealth health(AgentHealth.Degraded... degraded) {
        return health(ROOMY, Map.of(), List.of(degraded));
    }

    List<Decision> repeat(int n, Supplier<AgentHealth> h) {
        List<Decision> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.addAll(policy.decide(new Observation(now, ProcessStatus.RUNNING,
                    Optional.of(HealthResult.answered(h.get(), 3)),
                    Map.of())));
            now = now.plusSeconds(5);
            agentNow += 5000;
        }
        return all;
    }

    @Test
    void forceFailedRestartsTheAgentAfterUnhealthyProbesWithoutAThreadDump() {
        assertThat(repeat(2, () -> health(entry("force_failed", null, null)))).as("hysteresis").isEmpty();
        assertThat(repeat(1, () -> health(entry("force_failed", null, null)))).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(Action.RESTART);
            assertThat(d.cause()).isEqualTo(Cause.FORCE_FAILED);
            assertThat(d.details()).containsEntry("reason", "force_failed").containsEntry("since_ms", 40_000L)
                    .containsEntry("detail", "detail of force_failed");
        });
    }

    @Test
    void journalFullInTheListAlertsOnceAndResolvesWithoutARestart() {
        AgentHealth.Journal full = new AgentHealth.Journal(1200, 1200, 50L << 20, 100L << 20, true, "max_size");
        List<Decision> d = repeat(6, () -> health(full, Map.of(), List.of(entry("journal_full", null, null))));
        assertThat(d).as("the journal's own figures and the list are one condition").singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.JOURNAL_FULL);
        });
        assertThat(repeat(1, () -> health())).singleElement().extracting(Decision::action).isEqualTo(Action.RESOLVED);
    }

    @Test
    void minFreeAlertsAsItselfNotAsAFullJournalAndNeverRestarts() {
        AgentHealth.Journal refusing = new AgentHealth.Journal(7, 7, 4L << 20, 4L << 30, true, "min_free");
        List<Decision> d = repeat(10, () -> health(refusing, Map.of(), List.of(entry("min_free", null, null))));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.MIN_FREE);
            assertThat(x.details()).containsEntry("full_reason", "min_free");
        });
    }

    @Test
    void anAgentWithoutTheListIsReadFromItsFullReason() {
        AgentHealth.Journal refusing = new AgentHealth.Journal(7, 7, 4L << 20, 4L << 30, true, "min_free");
        assertThat(repeat(3, () -> health(refusing, Map.of(), List.of()))).singleElement()
                .extracting(Decision::cause).isEqualTo(Cause.MIN_FREE);
    }

    @Test
    void cursorCommitFailingAlertsForItsOutputAndTakesThePlaceOfTheStallRestart() {
        // The worker is stuck writing the cursor with a send started before: that alone reads as agent_side_fault.
        AgentHealth.Output stuck = new AgentHealth.Output("http", "http://d", 0, 3, 3, 300, null, agentNow - 120_000,
                agentNow - 120_000, 0, "cannot persist cursor 3: File name too long", "cursor_commit");
        Map<String, AgentHealth.Output> outputs = Map.of("central", stuck);
        List<Decision> d = repeat(10, () -> health(ROOMY, outputs,
                List.of(entry("cursor_commit_failing", "central", null))));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.CURSOR_COMMIT_FAILING);
            assertThat(x.output()).isEqualTo("central");
        });
        // without the entry, the same output is restarted: the list is what tells a restart would not help
        Policy other = new Policy(settings(), T0);
        List<Decision> without = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            without.addAll(other.decide(new Observation(T0.plusSeconds(5L * i), ProcessStatus.RUNNING, Optional.of(
                    HealthResult.answered(health(ROOMY, outputs, List.of()), 3)), Map.of())));
        }
        assertThat(without).extracting(Decision::cause).containsExactly(Cause.AGENT_SIDE_FAULT);
    }

    @Test
    void cursorCommitFailingIsNotAlsoASlowDestination() {
        // A long send deadline: the same stuck output reads as destination_slow without the entry.
        AgentHealth.Output stuck = new AgentHealth.Output("http", "http://d", 0, 3, 3, 300, null, agentNow - 70_000,
                agentNow - 70_000, 0, "cannot persist cursor 3: Read-only file system", "cursor_commit");
        Map<String, AgentHealth.Output> outputs = Map.of("central", stuck);
        PolicySettings longDeadline = new PolicySettings(Supervise.CHILD, 3, STALL, Duration.ofSeconds(5), 5,
                Duration.ofMinutes(30), STALL, Map.of(), Map.of("central", Duration.ofMinutes(10)));
        Policy with = new Policy(longDeadline, T0);
        Policy without = new Policy(longDeadline, T0);
        List<Decision> w = new ArrayList<>();
        List<Decision> wo = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant at = T0.plusSeconds(5L * i);
            w.addAll(with.decide(new Observation(at, ProcessStatus.RUNNING, Optional.of(HealthResult.answered(
                    health(ROOMY, outputs, List.of(entry("cursor_commit_failing", "central", null))), 3)), Map.of())));
            wo.addAll(without.decide(new Observation(at, ProcessStatus.RUNNING, Optional.of(HealthResult.answered(
                    health(ROOMY, outputs, List.of()), 3)), Map.of())));
        }
        assertThat(wo).extracting(Decision::cause).containsExactly(Cause.DESTINATION_SLOW);
        assertThat(w).extracting(Decision::cause).containsExactly(Cause.CURSOR_COMMIT_FAILING);
    }

    @Test
    void ingestBlockedAlertsForItsInputAndResolves() {
        List<Decision> d = repeat(5, () -> health(entry("ingest_blocked", null, "app")));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.INGEST_BLOCKED);
            assertThat(x.input()).isEqualTo("app");
        });
        assertThat(repeat(1, () -> health())).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RESOLVED);
            assertThat(x.cause()).isEqualTo(Cause.INGEST_BLOCKED);
        });
    }

    @Test
    void aReasonThisWatchdogDoesNotKnowIsIgnored() {
        assertThat(repeat(10, () -> health(entry("from_a_newer_agent", null, null)))).isEmpty();
    }

    @Test
    void everyReasonOfTheContractHasACauseAndOnlyForceFailedRestarts() {
        List<String> reasons = List.of("force_failed", "journal_full", "min_free", "cursor_commit_failing",
                "ingest_blocked");
        for (String r : reasons) {
            Cause c = Cause.ofDegraded(r).orElseThrow();
            assertThat(c.remedy().restarts()).as(r).isEqualTo(r.equals("force_failed"));
        }
        assertThat(Cause.ofDegraded(null)).isEmpty();
    }
}
