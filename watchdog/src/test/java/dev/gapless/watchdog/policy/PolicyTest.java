package dev.gapless.watchdog.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.WatchdogConfig.Supervise;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.DestinationStatus;
import dev.gapless.watchdog.probe.HealthResult;
import dev.gapless.watchdog.probe.Observation;
import dev.gapless.watchdog.probe.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every row of the decision table, fed observations; no processes, no network. */
class PolicyTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final Duration STALL = Duration.ofSeconds(60);
    /** The http output's own timeout: a send in flight longer than this plus the grace is the agent's fault. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(90);

    Instant now = T0;
    long agentNow = T0.toEpochMilli();

    static PolicySettings settings(Supervise mode, int budgetMax) {
        return new PolicySettings(mode, 3, STALL, Duration.ofSeconds(5), budgetMax, Duration.ofMinutes(30),
                STALL, Map.of("app", Duration.ofMinutes(10)), Map.of("central", SEND_TIMEOUT));
    }

    Policy policy = new Policy(settings(Supervise.CHILD, 5), T0);

    // ---- observation builders

    static AgentHealth.Output idle() {
        return new AgentHealth.Output("http", "http://d", 100, 100, 0, 0, null, null, null, 0, null, null);
    }

    AgentHealth.Output out(long acked, long backlog, Long lastAckAgo, Long lastAttemptAgo, Long inFlightAgo,
                           long failures, String kind) {
        return new AgentHealth.Output("http", "http://d", acked, acked + backlog, backlog, backlog * 100,
                lastAckAgo == null ? null : agentNow - lastAckAgo, lastAttemptAgo == null ? null
                        : agentNow - lastAttemptAgo,
                inFlightAgo == null ? null : agentNow - inFlightAgo, failures, kind == null ? null : "err", kind);
    }

    AgentHealth health(String boot, Map<String, AgentHealth.Output> outputs) {
        return health(boot, outputs, agentNow - 1000, 1L << 20);
    }

    AgentHealth health(String boot, Map<String, AgentHealth.Output> outputs, Long lastEventAt, long diskBytes) {
        return new AgentHealth("ok", 4242L, "a", boot, agentNow, 3_600_000,
                new AgentHealth.Journal(1200, 1200, diskBytes, 100L << 20, false, null),
                Map.of("app", new AgentHealth.Input("tcp", 1, 0, lastEventAt)), outputs);
    }

    Observation answered(AgentHealth h, Map<String, DestinationStatus> dests) {
        return new Observation(now, ProcessStatus.RUNNING, Optional.of(HealthResult.answered(h, 3)), dests);
    }

    Observation answered(AgentHealth h) {
        return answered(h, Map.of());
    }

    Observation timedOut() {
        return new Observation(now, ProcessStatus.RUNNING, Optional.of(HealthResult.timedOut("timeout", 2000)),
                Map.of());
    }

    Observation gone() {
        return new Observation(now, ProcessStatus.GONE, Optional.empty(), Map.of());
    }

    /** The process exists but is stopped (state T): /health is not asked. */
    Observation stopped() {
        return new Observation(now, ProcessStatus.STOPPED, Optional.empty(), Map.of());
    }

    static final DestinationStatus UP = new DestinationStatus(true, "tcp d:1 connected");
    static final DestinationStatus DOWN = new DestinationStatus(false, "tcp d:1: Connection refused");

    List<Decision> step(Observation o) {
        List<Decision> d = policy.decide(o);
        now = now.plusSeconds(5);
        agentNow += 5000;
        return d;
    }

    /** Feeds the same observation (rebuilt each probe, since times move) n times; returns all decisions. */
    List<Decision> repeat(int n, java.util.function.Supplier<Observation> o) {
        List<Decision> all = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.addAll(step(o.get()));
        }
        return all;
    }

    // ---- rows

    @Test
    void healthyAgentYieldsNothing() {
        assertThat(repeat(10, () -> answered(health("b1", Map.of("central", idle()))))).isEmpty();
    }

    @Test
    void vanishedChildIsRestartedAtOnce() {
        step(answered(health("b1", Map.of())));
        List<Decision> d = step(gone());
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RESTART);
            assertThat(x.cause()).isEqualTo(Cause.CRASH);
            assertThat(x.restartCountInWindow()).isEqualTo(1);
        });
    }

    @Test
    void crashRestartsBackOffExponentially() {
        assertThat(step(gone())).hasSize(1);                  // restart 1, next allowed after 5s
        assertThat(step(gone())).hasSize(1);                  // 5s later: restart 2, next after 10s
        assertThat(step(gone())).isEmpty();                   // 5s later: still backing off
        assertThat(step(gone())).hasSize(1);                  // 10s after restart 2: restart 3
        assertThat(repeat(3, this::gone)).isEmpty();          // 20s backoff
        assertThat(step(gone())).singleElement().extracting(Decision::restartCountInWindow).isEqualTo(4);
    }

    @Test
    void systemdModeWaitsForSystemdBeforeRestartingAVanishedAgent() {
        policy = new Policy(settings(Supervise.SYSTEMD, 5), T0);
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::gone)).isEmpty();
        assertThat(step(gone())).singleElement().extracting(Decision::action).isEqualTo(Action.RESTART);
    }

    @Test
    void systemdsOwnRestartIsCountedAndNotRepeated() {
        policy = new Policy(settings(Supervise.SYSTEMD, 5), T0);
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::gone)).isEmpty();
        List<Decision> d = step(answered(health("b2", Map.of())));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RECORD);
            assertThat(x.cause()).isEqualTo(Cause.AGENT_RESTARTED);
            assertThat(x.restartCountInWindow()).isEqualTo(1);
            assertThat(x.details()).containsEntry("previous_boot", "b1").containsEntry("boot_id", "b2");
        });
        assertThat(policy.restartsInWindow(now)).isEqualTo(1);
        assertThat(step(gone())).isEmpty(); // the crash streak started over
    }

    @Test
    void ourOwnRestartIsNotCountedTwice() {
        step(answered(health("b1", Map.of())));
        assertThat(step(gone())).hasSize(1);
        assertThat(step(answered(health("b2", Map.of())))).isEmpty();
        assertThat(policy.restartsInWindow(now)).isEqualTo(1);
    }

    @Test
    void healthTimeoutsInARowMeanWedged() {
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::timedOut)).isEmpty();
        List<Decision> d = step(timedOut());
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.THREAD_DUMP_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.WEDGED);
            assertThat(x.details()).containsEntry("health_timed_out", true).containsEntry("probes", 3);
        });
    }

    @Test
    void hysteresisOneGoodProbeResetsTheCount() {
        step(answered(health("b1", Map.of())));
        repeat(2, this::timedOut);
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::timedOut)).isEmpty();
        assertThat(step(timedOut())).hasSize(1);
    }

    @Test
    void healthFailuresDuringStartGraceDoNotCount() {
        // Agent started at T0, never answered: the first 60s are grace.
        assertThat(repeat(12, this::timedOut)).isEmpty();
        assertThat(repeat(2, this::timedOut)).isEmpty();
        assertThat(step(timedOut())).singleElement().extracting(Decision::cause).isEqualTo(Cause.WEDGED);
    }

    @Test
    void startGraceCountsFromWhenTheRestartedAgentStartedNotFromTheDecision() {
        assertThat(step(gone())).singleElement().extracting(Decision::cause).isEqualTo(Cause.CRASH);
        // Stopping the old agent took 65 s (past the 60 s grace): the new one started only now.
        now = now.plusSeconds(65);
        agentNow += 65_000;
        policy.agentStarted(now);
        assertThat(repeat(12, this::timedOut)).as("the new agent's grace").isEmpty();
        assertThat(repeat(2, this::timedOut)).isEmpty();
        assertThat(step(timedOut())).singleElement().extracting(Decision::cause).isEqualTo(Cause.WEDGED);
    }

    @Test
    void backlogWithNoAckAndNoAttemptIsUploaderWedged() {
        var o = (java.util.function.Supplier<Observation>) () ->
                answered(health("b1", Map.of("central", out(100, 50, 61_000L, 61_000L, null, 0, null))),
                        Map.of("central", UP));
        // The first probe cannot tell whether acked_seq moves; the second sees it did not: the finding already
        // spans stall_timeout, so no further hysteresis.
        assertThat(repeat(1, o)).isEmpty();
        assertThat(step(o.get())).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.THREAD_DUMP_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.UPLOADER_WEDGED);
            assertThat(x.output()).isEqualTo("central");
            assertThat(x.details()).containsEntry("backlog_events", 50L);
        });
    }

    @Test
    void agentThatTookLongerThanStallTimeoutToStartHasNotStalledItsOutputs() {
        // First answer 70 s after the JVM started (a loaded machine), nothing attempted yet: "never" counts from
        // when the agent was up, not from its start.
        long upAt = agentNow;
        var starting = (java.util.function.Supplier<Observation>) () -> answered(new AgentHealth("ok", 4242L, "a", "b1",
                agentNow, 70_000 + (agentNow - upAt), new AgentHealth.Journal(1, 1, 1L << 20, 100L << 20, false, null),
                Map.of(), Map.of("central", new AgentHealth.Output("http", "http://d", 0, 1, 1, 100, null, null, null, 0,
                        null, null))));
        assertThat(repeat(12, starting)).as("within stall_timeout of being up").isEmpty();
        assertThat(step(starting.get())).singleElement().extracting(Decision::cause).isEqualTo(Cause.UPLOADER_WEDGED);
    }

    @Test
    void ackingOutputIsNeverStalledEvenWithOldTimes() {
        long[] acked = {100};
        assertThat(repeat(10, () -> answered(health("b1",
                Map.of("central", out(acked[0] += 10, 50, 61_000L, 61_000L, null, 0, null)))))).isEmpty();
    }

    @Test
    void emptyBacklogIsNeverStalled() {
        assertThat(repeat(10, () -> answered(health("b1",
                Map.of("central", out(100, 0, 600_000L, 600_000L, null, 9, "refused")))))).isEmpty();
    }

    @Test
    void failingAttemptsAndUnreachableDestinationMeanDestinationDownAlertNoRestart() {
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 10_000L, 1_000L, null, 7, "unreachable"))),
                Map.of("central", DOWN));
        List<Decision> d = repeat(10, o);
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_DOWN);
            assertThat(x.details()).containsEntry("destination_reachable", false)
                    .containsEntry("destination_probe", DOWN.detail());
        });
    }

    @Test
    void alertIsResolvedOnceWhenTheConditionEnds() {
        var bad = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 10_000L, 1_000L, null, 7, "unreachable"))),
                Map.of("central", DOWN));
        assertThat(repeat(5, bad)).hasSize(1);
        List<Decision> d = repeat(5, () -> answered(health("b1", Map.of("central", idle()))));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RESOLVED);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_DOWN);
            assertThat(x.output()).isEqualTo("central");
        });
    }

    @Test
    void healthFailuresDoNotResolveOutputAlerts() {
        var bad = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 10_000L, 1_000L, null, 7, "unreachable"))),
                Map.of("central", DOWN));
        repeat(5, bad);
        assertThat(repeat(2, this::timedOut)).isEmpty();
        assertThat(repeat(3, bad)).isEmpty();
    }

    @Test
    void destinationAnsweringWithErrorsForStallTimeoutMeansRefusesAlertNoRestart() {
        var refused = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 61_000L, 1_000L, null, 12, "refused"))),
                Map.of("central", UP));
        assertThat(repeat(10, refused)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_REFUSES);
        });
    }

    @Test
    void destinationRejectingEveryBatchIsRefusesAlertThoughTheCursorMovesAndNothingFails() {
        long[] acked = {100};
        var rejecting = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(acked[0] += 1000, 0, 61_000L, 100L, null, 0, "rejected"))));
        assertThat(repeat(2, rejecting)).isEmpty();
        assertThat(repeat(10, rejecting)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_REFUSES);
            assertThat(x.output()).isEqualTo("central");
        });
        assertThat(step(answered(health("b1", Map.of("central", out(acked[0] += 1000, 0, 10L, 10L, null, 0, null))))))
                .singleElement().satisfies(x -> {
                    assertThat(x.action()).isEqualTo(Action.RESOLVED);
                    assertThat(x.cause()).isEqualTo(Cause.DESTINATION_REFUSES);
                });
    }

    @Test
    void refusalsShorterThanStallTimeoutAreNotYetAnAlert() {
        assertThat(repeat(10, () -> answered(
                health("b1", Map.of("central", out(100, 50, 30_000L, 1_000L, null, 12, "rejected"))),
                Map.of("central", UP)))).isEmpty();
    }

    @Test
    void agentCannotReachWhatTheWatchdogReachesMeansAgentSideFault() {
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 61_000L, 1_000L, null, 30, "unreachable"))),
                Map.of("central", UP));
        // The first probe that reaches the destination cannot blame an attempt that failed before it.
        assertThat(repeat(1, o)).isEmpty();
        assertThat(step(o.get())).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.THREAD_DUMP_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.AGENT_SIDE_FAULT);
        });
    }

    @Test
    void sendsTheAgentItselfFailsAreAgentSideFaultWhateverTheDestinationProbeSays() {
        for (var dest : new DestinationStatus[] {UP, DOWN}) {
            PolicySettings settings = settings(Supervise.CHILD, 5);
            Policy fresh = new Policy(settings, now);
            var o = (java.util.function.Supplier<Observation>) () -> answered(
                    health("b1", Map.of("central", out(100, 50, 61_000L, 1_000L, null, 30, "internal"))),
                    Map.of("central", dest));
            List<Decision> all = new ArrayList<>();
            for (int i = 0; i < settings.unhealthyProbes(); i++) {
                all.addAll(fresh.decide(o.get()));
                now = now.plusSeconds(1);
            }
            assertThat(all).as("probe %s", dest.detail()).singleElement().satisfies(x -> {
                assertThat(x.action()).isEqualTo(Action.THREAD_DUMP_AND_RESTART);
                assertThat(x.cause()).isEqualTo(Cause.AGENT_SIDE_FAULT);
            });
        }
    }

    @Test
    void destinationThatCameBackWhileTheAgentWaitsOutItsBackoffIsNoAgentSideFault() {
        // The agent's last attempt failed 20 s ago (before the destination came back); it retries in its own time.
        long failedAt = agentNow - 20_000;
        var waiting = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 61_000L, agentNow - failedAt, null, 9, "unreachable"))),
                Map.of("central", UP));
        // (Past stall_timeout without any attempt it would be uploader_wedged: the agent's backoff is capped.)
        assertThat(repeat(5, waiting)).isEmpty();
    }

    @Test
    void sendHangingPastItsTimeoutPlusGraceWithReachableDestinationIsAgentSideFault() {
        long pastDeadline = SEND_TIMEOUT.plus(PolicySettings.SEND_TIMEOUT_GRACE).toMillis() + 1000;
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 100_000L, 100_000L, pastDeadline, 0, null))),
                Map.of("central", UP));
        assertThat(repeat(3, o)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.THREAD_DUMP_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.AGENT_SIDE_FAULT);
            assertThat(x.details()).containsEntry("in_flight_ms", pastDeadline)
                    .containsEntry("send_deadline_ms", SEND_TIMEOUT.plus(PolicySettings.SEND_TIMEOUT_GRACE).toMillis());
        });
    }

    @Test
    void sendInFlightPastStallTimeoutButWithinItsOwnTimeoutIsDestinationSlowAlertNoRestart() {
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 70_000L, 70_000L, 65_000L, 0, null))),
                Map.of("central", UP));
        assertThat(repeat(10, o)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_SLOW);
            assertThat(x.output()).isEqualTo("central");
            assertThat(x.details()).containsEntry("in_flight_ms", 65_000L).containsEntry("destination_reachable", true);
        });
    }

    @Test
    void outputWithoutItsOwnSendTimeoutIsJudgedByStallTimeoutAlone() {
        // "other" is a tcp or file output: no timeout in its config, so a send past stall_timeout is the agent's.
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("other", out(100, 50, 70_000L, 70_000L, 65_000L, 0, null))),
                Map.of("other", UP));
        assertThat(repeat(3, o)).singleElement().extracting(Decision::cause).isEqualTo(Cause.AGENT_SIDE_FAULT);
    }

    @Test
    void sendDeadlineIsTheOutputTimeoutPlusGraceNeverBelowStallTimeout() {
        PolicySettings s = settings(Supervise.CHILD, 5);
        assertThat(s.sendDeadline("central")).isEqualTo(SEND_TIMEOUT.plus(PolicySettings.SEND_TIMEOUT_GRACE));
        assertThat(s.sendDeadline("other")).isEqualTo(STALL);
        PolicySettings shortTimeout = new PolicySettings(Supervise.CHILD, 3, STALL, Duration.ofSeconds(5), 5,
                Duration.ofMinutes(30), STALL, Map.of(), Map.of("central", Duration.ofSeconds(2)));
        assertThat(shortTimeout.sendDeadline("central")).isEqualTo(STALL);
    }

    @Test
    void destinationSlowOnEveryRequestIsAlertedOnceNeverRestartedAndResolvedOnceRequestsAreQuickAgain() {
        // Every request takes 70 s (timeout 90 s, stall_timeout 60 s), probes every 5 s: each request is seen slow
        // in its last two probes only, and acked_seq moves at every new request.
        long request = 70_000;
        int probesPerRequest = (int) (request / 5000);
        List<Decision> slow = new java.util.ArrayList<>();
        for (int i = 0; i < 6 * probesPerRequest; i++) {
            long inFlight = (i % probesPerRequest) * 5000L;
            long acked = 100 + (i / probesPerRequest) * 500L;
            slow.addAll(step(answered(health("b1", Map.of("central", out(acked, 2000, inFlight + 10, inFlight + 10,
                    inFlight, 0, null))), Map.of("central", UP))));
        }
        assertThat(slow).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_SLOW);
        });
        // Quick again (caught up): resolved once no probe saw a slow send for slowClearsAfter, not before.
        Instant lastSlow = now.minusSeconds(5 * (probesPerRequest - 13));
        List<Decision> later = new java.util.ArrayList<>();
        Instant resolvedAt = null;
        for (int i = 0; i < 40 && resolvedAt == null; i++) {
            Instant at = now;
            List<Decision> d = step(answered(health("b1", Map.of("central", idle()))));
            later.addAll(d);
            if (!d.isEmpty()) {
                resolvedAt = at;
            }
        }
        assertThat(later).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RESOLVED);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_SLOW);
        });
        assertThat(resolvedAt).isAfterOrEqualTo(lastSlow.plus(settings(Supervise.CHILD, 5).slowClearsAfter()));
    }

    @Test
    void slowSendThatOutlivesItsTimeoutPlusGraceIsThenAgentSideFault() {
        List<Decision> all = new java.util.ArrayList<>();
        for (long inFlight = 0; inFlight <= 100_000; inFlight += 5000) {
            long f = inFlight;
            all.addAll(step(answered(health("b1", Map.of("central", out(100, 50, f + 10, f + 10, f, 0, null))),
                    Map.of("central", UP))));
        }
        assertThat(all).extracting(Decision::action, Decision::cause).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Action.ALERT, Cause.DESTINATION_SLOW),
                org.assertj.core.groups.Tuple.tuple(Action.THREAD_DUMP_AND_RESTART, Cause.AGENT_SIDE_FAULT));
        assertThat(all.get(1).details().get("in_flight_ms")).isEqualTo(
                SEND_TIMEOUT.plus(PolicySettings.SEND_TIMEOUT_GRACE).toMillis());
    }

    @Test
    void stoppedProcessSeenUnhealthyProbesTimesInARowIsKilledAndRestartedWithoutADump() {
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::stopped)).isEmpty();
        assertThat(step(stopped())).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.KILL_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.FROZEN);
            assertThat(x.details()).containsEntry("process_state", "stopped").containsEntry("probes", 3);
        });
    }

    @Test
    void stoppedProcessGetsNoStartGrace() {
        // Never answered since T0: a /health failure would wait out the 60 s grace; a stopped process is not starting.
        assertThat(repeat(3, this::stopped)).singleElement().extracting(Decision::cause).isEqualTo(Cause.FROZEN);
    }

    @Test
    void processContinuedBeforeUnhealthyProbesIsLeftAlone() {
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::stopped)).isEmpty();
        assertThat(step(answered(health("b1", Map.of())))).isEmpty(); // SIGCONT, e.g. after a Ctrl-Z
        assertThat(repeat(2, this::stopped)).isEmpty();
    }

    @Test
    void frozenAfterHealthTimeoutsStartsItsOwnCount() {
        step(answered(health("b1", Map.of())));
        assertThat(repeat(2, this::timedOut)).isEmpty();
        assertThat(repeat(2, this::stopped)).as("a different condition: its own unhealthy_probes").isEmpty();
        assertThat(step(stopped())).singleElement().extracting(Decision::cause).isEqualTo(Cause.FROZEN);
    }

    @Test
    void sendHangingToAnUnreachableDestinationIsDestinationDown() {
        var o = (java.util.function.Supplier<Observation>) () -> answered(
                health("b1", Map.of("central", out(100, 50, 70_000L, 70_000L, 65_000L, 0, null))),
                Map.of("central", DOWN));
        assertThat(repeat(5, o)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.DESTINATION_DOWN);
        });
    }

    @Test
    void silentInputIsAlertedOnceAndResolved() {
        List<Decision> d = repeat(5, () -> answered(health("b1", Map.of(), agentNow - 11 * 60_000, 0)));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.INPUT_SILENT);
            assertThat(x.input()).isEqualTo("app");
        });
        assertThat(step(answered(health("b1", Map.of(), agentNow, 0))))
                .singleElement().extracting(Decision::action).isEqualTo(Action.RESOLVED);
    }

    @Test
    void inputThatNeverSpokeCountsFromAgentStart() {
        assertThat(repeat(3, () -> answered(health("b1", Map.of(), null, 0))))
                .singleElement().extracting(Decision::cause).isEqualTo(Cause.INPUT_SILENT);
    }

    @Test
    void nearlyFullJournalIsAlerted() {
        assertThat(repeat(3, () -> answered(health("b1", Map.of(), agentNow, 99L << 20))))
                .singleElement().extracting(Decision::cause).isEqualTo(Cause.JOURNAL_FULL);
    }

    @Test
    void spentBudgetAlertsOnceKeepsAgentRunningAndResumesWhenTheWindowSlides() {
        policy = new Policy(settings(Supervise.CHILD, 2), T0);
        List<Decision> all = new java.util.ArrayList<>();
        // Two crashes, two restarts, then the third fault finds the budget spent.
        all.addAll(step(gone()));
        all.addAll(step(gone()));
        assertThat(all).extracting(Decision::action).containsExactly(Action.RESTART, Action.RESTART);
        List<Decision> spent = repeat(20, this::timedOut);
        assertThat(spent).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.ALERT);
            assertThat(x.cause()).isEqualTo(Cause.RESTART_BUDGET_SPENT);
            assertThat(x.details()).containsEntry("blocked_cause", "wedged");
            assertThat(x.restartCountInWindow()).isEqualTo(2);
        });
        // 30 minutes after the first restart the window frees a slot: resolved, then the pending restart.
        List<Decision> later = new java.util.ArrayList<>();
        while (now.isBefore(T0.plus(Duration.ofMinutes(31)))) {
            later.addAll(step(timedOut()));
        }
        assertThat(later).extracting(Decision::action, Decision::cause).startsWith(
                org.assertj.core.groups.Tuple.tuple(Action.RESOLVED, Cause.RESTART_BUDGET_SPENT),
                org.assertj.core.groups.Tuple.tuple(Action.THREAD_DUMP_AND_RESTART, Cause.WEDGED));
    }

    @Test
    void zeroBudgetNeverRestarts() {
        policy = new Policy(settings(Supervise.CHILD, 0), T0);
        assertThat(repeat(10, this::gone)).singleElement().extracting(Decision::cause)
                .isEqualTo(Cause.RESTART_BUDGET_SPENT);
    }

    @Test
    void backoffDoublesAndIsCapped() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(policy.backoff(40)).isEqualTo(PolicySettings.MAX_RESTART_BACKOFF);
    }
}
