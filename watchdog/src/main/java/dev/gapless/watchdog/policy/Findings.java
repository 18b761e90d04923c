package dev.gapless.watchdog.policy;

import dev.gapless.contract.HealthFields;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.DestinationStatus;
import dev.gapless.watchdog.probe.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision table's conditions, read from one /health answer: pure functions, no state.
 * Ages are measured on the agent's own clock ({@code now} in /health) so that a slow probe
 * does not age anything; an output time the agent reports as null ("never since start") counts from
 * when the agent was up (its first /health answer seen, never before its start): a JVM that took
 * longer than stall_timeout to start has not stalled its outputs. An input's null counts from the start.
 */
final class Findings {

    private Findings() {
    }

    /**
     * @param advanced outputs whose acked_seq moved since the previous probe of the same boot: they are making progress
     * @param upSince  the agent's clock at its first /health answer of this boot, from which an output's null times
     *                 count
     */
    static List<Finding> fromHealth(Observation o, AgentHealth h, PolicySettings s, java.util.Set<String> advanced,
                                    Map<String, Long> reachableSince, long upSince) {
        List<Finding> found = new ArrayList<>();
        for (Map.Entry<String, AgentHealth.Output> e : h.outputs().entrySet()) {
            Finding f = output(e.getKey(), e.getValue(), h, o.destinations().get(e.getKey()), s,
                    advanced.contains(e.getKey()), reachableSince.get(e.getKey()), upSince);
            if (f != null) {
                found.add(f);
            }
        }
        for (Map.Entry<String, Duration> e : s.expectEventsEvery().entrySet()) {
            AgentHealth.Input in = h.inputs().get(e.getKey());
            if (in == null) {
                continue;
            }
            long last = in.lastEventAt() != null ? in.lastEventAt() : h.startedAt();
            long silentMs = h.now() - last;
            if (silentMs > e.getValue().toMillis()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("silent_ms", silentMs);
                d.put("expect_events_every_ms", e.getValue().toMillis());
                d.put("last_event_at", in.lastEventAt());
                d.put("accepted", in.accepted());
                found.add(new Finding(Cause.INPUT_SILENT, null, e.getKey(), d));
            }
        }
        AgentHealth.Journal j = h.journal();
        // Full for a reason of its own kind (min_free, force_failed) is that cause's finding, not journal_full.
        boolean full = j.full() && !ownCause(j.fullReason());
        if (full || (j.maxBytes() > 0 && j.diskBytes() >= PolicySettings.JOURNAL_FULL_RATIO * j.maxBytes())) {
            found.add(new Finding(Cause.JOURNAL_FULL, null, null, journal(j)));
        }
        degraded(h, found);
        return found;
    }

    /** A journal full_reason that is a degraded reason of the same name: that cause's finding, not journal_full. */
    private static boolean ownCause(String fullReason) {
        return "min_free".equals(fullReason) || "force_failed".equals(fullReason);
    }

    /**
     * The agent's own {@code degraded} list, one finding per entry (a journal_full already found from the journal's
     * figures is not found twice). An agent older than the list says force_failed and min_free only as the
     * journal's {@code full_reason}: read that too. An output whose cursor cannot be written is stalled by it, and a
     * restart cannot write it either: its stall findings (and destination_slow) give way to the alert.
     */
    private static void degraded(AgentHealth h, List<Finding> found) {
        List<AgentHealth.Degraded> entries = new ArrayList<>(h.degraded());
        String fullReason = h.journal().full() ? h.journal().fullReason() : null;
        if (ownCause(fullReason)
                && entries.stream().noneMatch(e -> fullReason.equals(e.reason()))) {
            entries.add(new AgentHealth.Degraded(fullReason, null, "journal.full_reason " + fullReason, null, null));
        }
        Set<String> cursorFailing = new HashSet<>();
        for (AgentHealth.Degraded e : entries) {
            Cause cause = Cause.ofDegraded(e.reason()).orElse(null);
            if (cause == null) {
                continue; // a newer agent's reason: its status still says degraded, gapless status shows it
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("reason", e.reason());
            d.put("since", e.since());
            d.put("since_ms", e.since() == null ? null : h.now() - e.since());
            d.put("detail", e.detail());
            if (cause == Cause.JOURNAL_FULL || cause == Cause.MIN_FREE) {
                d.putAll(journal(h.journal()));
            }
            Finding f = new Finding(cause, e.output(), e.input(), d);
            if (found.stream().noneMatch(other -> other.key().equals(f.key()))) {
                found.add(f);
            }
            if (cause == Cause.CURSOR_COMMIT_FAILING && e.output() != null) {
                cursorFailing.add(e.output());
            }
        }
        // Its send "in flight" is the worker retrying the cursor write: not a wedge, and not a slow destination.
        found.removeIf(f -> cursorFailing.contains(f.output())
                && (f.cause().remedy().restarts() || f.cause() == Cause.DESTINATION_SLOW));
    }

    private static Map<String, Object> journal(AgentHealth.Journal j) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("disk_bytes", j.diskBytes());
        d.put("max_bytes", j.maxBytes());
        d.put("full", j.full());
        d.put("full_reason", j.fullReason());
        return d;
    }

    /**
     * The output rows of the decision table, in the order they are tested.
     *
     * @param advanced       acked_seq moved since the previous probe: progress, unless what moved it was rejections
     * @param reachableSince the agent's clock since when the watchdog's probes reach the destination, or null
     * @param upSince        what a null last_ack_at or last_attempt_at counts from
     */
    static Finding output(String id, AgentHealth.Output out, AgentHealth h, DestinationStatus dest, PolicySettings s,
                          boolean advanced, Long reachableSince, long upSince) {
        long stallMs = s.stallTimeout().toMillis();
        long sinceAck = h.now() - (out.lastAckAt() != null ? out.lastAckAt() : upSince);
        // A destination that rejects every batch (e.g. HTTP 401) drains the backlog into the dead-letter file
        // without a failed attempt: backlog and consecutive_failures stay low while every event is lost.
        boolean rejecting = HealthFields.ERROR_REJECTED.equals(out.lastErrorKind()) && sinceAck >= stallMs;
        if (rejecting) {
            // A rejected batch moves the cursor too: acked_seq advancing is no progress here.
            return Boolean.FALSE.equals(dest == null ? null : dest.reachable()) ? null
                    : finding(id, Cause.DESTINATION_REFUSES, out, h, dest, s, sinceAck,
                    h.now() - (out.lastAttemptAt() != null ? out.lastAttemptAt() : upSince));
        }
        if (advanced || out.backlogEvents() <= 0) {
            return null; // making progress, or caught up: failures without backlog cost nothing
        }
        long sinceAttempt = h.now() - (out.lastAttemptAt() != null ? out.lastAttemptAt() : upSince);
        Long inFlightMs = out.inFlightSince() == null ? null : h.now() - out.inFlightSince();
        Boolean reachable = dest == null ? null : dest.reachable();

        Cause cause = null;
        if (inFlightMs != null && inFlightMs >= stallMs) {
            if (Boolean.FALSE.equals(reachable)) {
                cause = Cause.DESTINATION_DOWN;
            } else if (inFlightMs >= s.sendDeadline(id).toMillis()) {
                cause = Cause.AGENT_SIDE_FAULT; // past its own timeout and the grace: the agent's timer did not fire
            } else {
                cause = Cause.DESTINATION_SLOW; // within the output's timeout: waiting on the destination
            }
        } else if (inFlightMs == null && sinceAck >= stallMs && sinceAttempt >= stallMs) {
            cause = Cause.UPLOADER_WEDGED; // backlog, yet nothing is even being tried
        } else if (out.consecutiveFailures() > 0) {
            String kind = out.lastErrorKind();
            if (sinceAck >= stallMs && HealthFields.ERROR_INTERNAL.equals(kind)) {
                cause = Cause.AGENT_SIDE_FAULT; // the agent's own code fails the send: no destination to blame
            } else if (Boolean.FALSE.equals(reachable)) {
                cause = Cause.DESTINATION_DOWN;
            } else if (sinceAck >= stallMs && (HealthFields.ERROR_REFUSED.equals(kind)
                    || HealthFields.ERROR_REJECTED.equals(kind))) {
                cause = Cause.DESTINATION_REFUSES;
            } else if (sinceAck >= stallMs && Boolean.TRUE.equals(reachable)
                    && (HealthFields.ERROR_UNREACHABLE.equals(kind) || HealthFields.ERROR_TIMEOUT.equals(kind))
                    // A destination that just came back: the agent's last failure may predate it (it waits out its
                    // retry backoff). Only a failure after the watchdog reached the destination is the agent's.
                    && reachableSince != null && out.lastAttemptAt() != null && out.lastAttemptAt() > reachableSince) {
                cause = Cause.AGENT_SIDE_FAULT; // the agent cannot reach what the watchdog reaches
            }
        }
        return cause == null ? null : finding(id, cause, out, h, dest, s, sinceAck, sinceAttempt);
    }

    private static Finding finding(String id, Cause cause, AgentHealth.Output out, AgentHealth h,
                                   DestinationStatus dest, PolicySettings s, long sinceAck, long sinceAttempt) {
        long stallMs = s.stallTimeout().toMillis();
        Long inFlightMs = out.inFlightSince() == null ? null : h.now() - out.inFlightSince();
        Boolean reachable = dest == null ? null : dest.reachable();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("backlog_events", out.backlogEvents());
        d.put("acked_seq", out.ackedSeq());
        d.put("head_seq", out.headSeq());
        d.put("since_ack_ms", sinceAck);
        d.put("since_attempt_ms", sinceAttempt);
        d.put("in_flight_ms", inFlightMs);
        d.put("consecutive_failures", out.consecutiveFailures());
        d.put("last_error_kind", out.lastErrorKind());
        d.put("last_error", out.lastError());
        d.put("destination", out.destination());
        d.put("destination_reachable", reachable);
        d.put("destination_probe", dest == null ? null : dest.detail());
        d.put("stall_timeout_ms", stallMs);
        d.put("send_deadline_ms", s.sendDeadline(id).toMillis());
        return new Finding(cause, id, null, d);
    }
}
