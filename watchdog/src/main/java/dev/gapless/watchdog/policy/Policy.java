package dev.gapless.watchdog.policy;

import dev.gapless.config.WatchdogConfig;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.HealthResult;
import dev.gapless.watchdog.probe.Observation;
import dev.gapless.watchdog.probe.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns observations into decisions: the watchdog's decision table (docs/watchdog.md) with hysteresis,
 * alert de-duplication, restart backoff and the restart budget. Pure: no I/O, no clock but the
 * observation's; a test feeds it observations and reads its decisions.
 *
 * <p>Invariants: a condition is acted on only after {@code unhealthy_probes} probes in a row saw it
 * (a vanished child process: at once); an alerted condition yields one ALERT when confirmed and one
 * RESOLVED when it ends; a fault gets one restart, after which every restart condition starts from
 * zero; restarts (the watchdog's and outside ones) within {@code restart_budget.per} never exceed
 * {@code restart_budget.max}. Owned by the probe-loop thread.
 */
public final class Policy {

    private final PolicySettings settings;
    private final RestartWindow window;
    /** Conditions seen in the latest probes, by {@link Finding#key()}, in order of first sight. */
    private final Map<String, Streak> streaks = new LinkedHashMap<>();
    /** acked_seq per output at the previous answer of the current boot. */
    private final Map<String, Long> lastAcked = new HashMap<>();
    /** Outputs the latest probe could compare with the one before it (same boot): progress is known. */
    private final Set<String> comparable = new HashSet<>();
    /**
     * Per output, the agent's clock ({@code now}) at the first of the probes in a row in which the watchdog reached
     * the destination: only an attempt that failed after it can be blamed on the agent.
     */
    private final Map<String, Long> reachableSince = new HashMap<>();
    private String lastBoot;
    /** The agent's clock at its first /health answer of the current boot: when it was up. */
    private long bootUpAt;
    private boolean expectBootChange;
    private Instant startedAt;
    private boolean answeredSinceStart;
    private Instant nextRestartAt = Instant.MIN;
    private boolean budgetAlerted;

    /** @param agentStartedAt when the agent was started or adopted: the start grace counts from here */
    public Policy(PolicySettings settings, Instant agentStartedAt) {
        this.settings = settings;
        this.window = new RestartWindow(settings.budgetMax(), settings.budgetPer());
        this.startedAt = agentStartedAt;
    }

    /** Decisions for one probe, in the order they should be carried out; usually none. */
    public List<Decision> decide(Observation o) {
        Instant now = o.at();
        List<Decision> out = new ArrayList<>();
        List<Finding> agentLevel = new ArrayList<>();
        List<Finding> healthLevel = null; // null: /health did not answer, its conditions are left as they were

        if (!o.processAlive()) {
            agentLevel.add(new Finding(Cause.CRASH, null, null, Map.of("process_alive", false)));
        } else if (o.process() == ProcessStatus.STOPPED) {
            // No start grace: a stopped process is not starting. Nor is /health asked: it cannot answer.
            agentLevel.add(new Finding(Cause.FROZEN, null, null, Map.of("process_state", "stopped")));
        } else if (o.agent().isEmpty()) {
            if (!inStartGrace(now)) {
                agentLevel.add(new Finding(Cause.WEDGED, null, null, healthFailure(o)));
            }
        } else {
            AgentHealth h = o.agent().get();
            answeredSinceStart = true;
            noticeBoot(h, now, out);
            Set<String> advanced = new HashSet<>();
            comparable.clear();
            for (Map.Entry<String, AgentHealth.Output> e : h.outputs().entrySet()) {
                Long prev = lastAcked.put(e.getKey(), e.getValue().ackedSeq());
                if (prev != null) {
                    comparable.add(e.getKey());
                }
                if (prev != null && e.getValue().ackedSeq() > prev) {
                    advanced.add(e.getKey());
                }
            }
            reachableSince.keySet().retainAll(o.destinations().keySet());
            o.destinations().forEach((id, dest) -> {
                if (dest.reachable()) {
                    reachableSince.putIfAbsent(id, h.now());
                } else {
                    reachableSince.remove(id);
                }
            });
            healthLevel = Findings.fromHealth(o, h, settings, advanced, reachableSince,
                    Math.max(h.startedAt(), bootUpAt));
        }

        Set<String> present = new HashSet<>();
        List<Finding> all = new ArrayList<>(agentLevel);
        if (healthLevel != null) {
            all.addAll(healthLevel);
        }
        for (Finding f : all) {
            present.add(f.key());
            Streak st = streaks.computeIfAbsent(f.key(), k -> new Streak());
            st.count++;
            st.finding = f;
            st.lastSeen = now;
        }
        for (Iterator<Streak> it = streaks.values().iterator(); it.hasNext(); ) {
            Streak st = it.next();
            boolean evaluated = isAgentLevel(st.finding.cause()) || healthLevel != null;
            if (evaluated && !present.contains(st.finding.key()) && !lingers(st, now)) {
                it.remove();
                if (st.active) {
                    out.add(decision(Action.RESOLVED, st.finding, Map.of("probes", st.count), now));
                }
            }
        }

        if (budgetAlerted && !window.spent(now)) {
            budgetAlerted = false;
            out.add(new Decision(Action.RESOLVED, Cause.RESTART_BUDGET_SPENT, null, null,
                    Map.of("restarts_in_window", window.count(now)), window.count(now)));
        }

        Streak restartDue = null;
        List<Streak> ordered = new ArrayList<>(streaks.values());
        ordered.sort(Comparator.comparing(st -> st.finding.cause().ordinal()));
        for (Streak st : ordered) {
            if (st.active || st.count < threshold(st.finding)) {
                continue;
            }
            if (st.finding.cause().remedy() == Action.ALERT) {
                st.active = true;
                out.add(decision(Action.ALERT, st.finding, Map.of("probes", st.count), now));
            } else if (restartDue == null && st.finding.cause().remedy().restarts()) {
                restartDue = st;
            }
        }
        if (restartDue != null) {
            restart(restartDue, now, out);
        }
        return out;
    }

    private void restart(Streak due, Instant now, List<Decision> out) {
        if (window.spent(now)) {
            // Restarting does not help: keep the agent running and alert once; the condition stays
            // pending and is acted on when the window frees a slot.
            if (!budgetAlerted) {
                budgetAlerted = true;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("blocked_cause", due.finding.cause().wireName());
                d.put("blocked_details", due.finding.details());
                d.put("restart_budget_max", settings.budgetMax());
                d.put("restart_budget_per_ms", settings.budgetPer().toMillis());
                d.put("next_slot_at", window.nextSlotAt(now).toString());
                out.add(new Decision(Action.ALERT, Cause.RESTART_BUDGET_SPENT, due.finding.output(),
                        due.finding.input(), d, window.count(now)));
            }
            return;
        }
        if (now.isBefore(nextRestartAt)) {
            return; // backing off: the condition stays pending until then
        }
        window.record(now);
        int n = window.count(now);
        Map<String, Object> extra = Map.of("probes", due.count, "backoff_ms", backoff(n).toMillis());
        out.add(decision(due.finding.cause().remedy(), due.finding, extra, now));
        nextRestartAt = now.plus(backoff(n));
        // One restart per fault: every restart condition starts again from zero against the new agent.
        streaks.values().removeIf(st -> st.finding.cause().remedy().restarts());
        startedAt = now;
        answeredSinceStart = false;
        expectBootChange = true;
        lastAcked.clear();
        reachableSince.clear();
    }

    /**
     * The supervisor has (re)started the agent at {@code at}: the start grace counts from here, not from the
     * decision, since stopping the old agent may have taken up to stop_timeout.
     */
    public void agentStarted(Instant at) {
        startedAt = at;
        answeredSinceStart = false;
    }

    private void noticeBoot(AgentHealth h, Instant now, List<Decision> out) {
        String boot = h.bootId() != null ? h.bootId() : "pid:" + h.pid();
        if (!boot.equals(lastBoot)) {
            bootUpAt = h.now();
        }
        if (lastBoot != null && !lastBoot.equals(boot)) {
            lastAcked.clear();
            reachableSince.clear();
            if (expectBootChange) {
                expectBootChange = false;
            } else {
                // Someone else restarted the agent (systemd's Restart=, an operator). It counts in the
                // budget, and the fault that caused it is theirs: no second restart for it.
                window.record(now);
                streaks.values().removeIf(st -> st.finding.cause().remedy().restarts());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("previous_boot", lastBoot);
                d.put("boot_id", h.bootId());
                d.put("pid", h.pid());
                d.put("uptime_ms", h.uptimeMs());
                out.add(new Decision(Action.RECORD, Cause.AGENT_RESTARTED, null, null, d, window.count(now)));
            }
        } else if (lastBoot == null) {
            expectBootChange = false;
        }
        lastBoot = boot;
    }

    /**
     * Whether an alerted condition absent from this probe is kept: a destination slow on every request shows as
     * slow only once each request has been in flight stall_timeout, so it is absent from the probes in between
     * and resolved only after {@link PolicySettings#slowClearsAfter()} without a sighting.
     */
    private boolean lingers(Streak st, Instant now) {
        return st.active && st.finding.cause() == Cause.DESTINATION_SLOW
                && now.isBefore(st.lastSeen.plus(settings.slowClearsAfter()));
    }

    private boolean inStartGrace(Instant now) {
        return !answeredSinceStart && now.isBefore(startedAt.plus(settings.startGrace()));
    }

    private int threshold(Finding finding) {
        Cause cause = finding.cause();
        if ((cause == Cause.UPLOADER_WEDGED || cause == Cause.AGENT_SIDE_FAULT || cause == Cause.DESTINATION_SLOW)
                && comparable.contains(finding.output())) {
            // The finding already spans stall_timeout of the agent's own timestamps (no progress, or one send in
            // flight, that long) and this probe saw no progress since the one before: more probes would only add
            // unhealthy_probes × probe_interval of delay to the repair (or, for a slow destination, to the alert,
            // which a destination slow on every request would otherwise never reach: each request is seen slow
            // only in its last moments).
            return 1;
        }
        if (cause == Cause.CRASH && settings.supervise() == WatchdogConfig.Supervise.CHILD) {
            return 1; // our own child is gone: nothing to wait for
        }

        return settings.unhealthyProbes();
    }

    private static boolean isAgentLevel(Cause c) {
        return c == Cause.CRASH || c == Cause.WEDGED || c == Cause.FROZEN;
    }

    /** probe_interval doubled per restart in the window, capped at {@link PolicySettings#MAX_RESTART_BACKOFF}. */
    Duration backoff(int restartsInWindow) {
        Duration d = settings.probeInterval();
        for (int i = 1; i < restartsInWindow && d.compareTo(PolicySettings.MAX_RESTART_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(PolicySettings.MAX_RESTART_BACKOFF) > 0 ? PolicySettings.MAX_RESTART_BACKOFF : d;
    }

    private Decision decision(Action action, Finding f, Map<String, Object> extra, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>(f.details());
        d.putAll(extra);
        return new Decision(action, f.cause(), f.output(), f.input(), d, window.count(now));
    }

    private static Map<String, Object> healthFailure(Observation o) {
        Map<String, Object> d = new LinkedHashMap<>();
        HealthResult r = o.health().orElse(null);
        d.put("health_timed_out", r != null && r.timedOut());
        d.put("health_error", r == null ? "not probed" : r.error());
        d.put("health_latency_ms", r == null ? null : r.latencyMs());
        return d;
    }

    /** Restarts counted in the budget window ending at {@code now}. */
    public int restartsInWindow(Instant now) {
        return window.count(now);
    }

    /** Conditions now seen, with their probe counts, e.g. {@code destination_down/output:central=3}. */
    public Map<String, Integer> conditions() {
        Map<String, Integer> m = new LinkedHashMap<>();
        streaks.forEach((k, st) -> m.put(k, st.count));
        return m;
    }

    /** One condition's run of probes. */
    private static final class Streak {
        int count;
        boolean active;
        Finding finding;
        /** The probe that last saw it. */
        Instant lastSeen;
    }
}
