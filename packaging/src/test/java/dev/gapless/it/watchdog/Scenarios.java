package dev.gapless.it.watchdog;

import static dev.gapless.it.watchdog.WatchdogRig.is;
import static dev.gapless.it.watchdog.WatchdogRig.restarts;
import static dev.gapless.it.watchdog.WatchdogRig.time;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.SeqLedger;
import dev.gapless.it.support.SteadySender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scenarios the ITs assert and {@code bench/watchdog-bench.sh} measures, run against a {@link WatchdogRig}:
 * each returns its figures, times taken from the incident journal, the agent's log and the destination's clock.
 */
final class Scenarios {

    /** Lines per second of the steady stream. */
    static final int RATE = 2000;

    private Scenarios() {
    }

    /**
     * What a scenario measured.
     *
     * @param detectMs  fault → the watchdog's decision (incident time); for a wedged upload the fault is the
     *                  wedged send's start, the agent's own {@code in_flight_since}
     * @param repairMs  that send's start → the first batch accepted after the restart; for an outage (not the
     *                  agent's to repair), the destination back → the first batch it accepted
     * @param decision  the incident that decided
     * @param ledger    what the destination received, by seq
     * @param head      the journal head the destination had to reach
     * @param restarts  restart decisions in the incident journal
     */
    record Figures(String name, long detectMs, long repairMs, JsonNode decision, SeqLedger ledger, long head,
                   long restarts, long linesWritten) {

        @Override
        public String toString() {
            return String.format("%-34s detect %6d ms  repair %6d ms  lost %d  duplicated %d  restarts %d  "
                    + "(%s; head %d;"
                    + " %d lines written)", name, detectMs, repairMs, ledger.missing() + ledger.declared(),
                    ledger.duplicates(), restarts, ledger, head, linesWritten);
        }
    }

    /**
     * Scenario 1: a steady stream; the upload wedges after {@code wedgeAfter} events (first agent only): a request
     * the agent never times out. The watchdog restarts the agent and the backlog drains. Times count from the
     * agent's {@code in_flight_since} for the wedged send (ms since the epoch on this host's wall clock, as the
     * incident time and the destination's are), not from the wedge's log line, written a moment later.
     *
     * @param command {@code watchdog} or {@code run}
     */
    static Figures wedgedUpload(WatchdogRig rig, String command, long wedgeAfter) throws Exception {
        Duration stall = rig.settings.stall();
        rig.start(command, "output.wedge=" + WatchdogRig.OUTPUT + ":" + wedgeAfter + rig.once("wedge"),
                "watchdog.log");
        long first = rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(RATE);
        Await.until("the upload wedged", Duration.ofSeconds(30).plusMillis(wedgeAfter * 1000 / RATE),
                () -> rig.wedgedAt().isPresent());
        // Set before the wedge's log line and kept while the send hangs: present in the first /health read.
        long[] inFlightSince = {0};
        Await.until("the wedged send in /health", Duration.ofSeconds(10), () -> {
            JsonNode h = rig.agentHealth();
            JsonNode since = h == null ? null : h.path("outputs").path(WatchdogRig.OUTPUT).path("in_flight_since");
            inFlightSince[0] = since != null && since.isNumber() ? since.asLong() : 0;
            return inFlightSince[0] > 0;
        });
        Instant wedged = Instant.ofEpochMilli(inFlightSince[0]);
        JsonNode decision = rig.awaitIncident("restart after the wedge", stall.plusSeconds(60), restarts());
        long second = rig.awaitNewAgent(first, stall.plusSeconds(60));
        Instant decided = time(decision);
        Await.until("the destination acked the restarted agent", Duration.ofSeconds(30),
                () -> rig.receiver.firstAcceptedAtOrAfter(decided.toEpochMilli()) > 0);
        long repaired = rig.receiver.firstAcceptedAtOrAfter(decided.toEpochMilli());
        Await.until("the restarted agent accepted a second of the stream", Duration.ofSeconds(30), () -> {
            JsonNode h = rig.agentHealth();
            return h != null && h.path("pid").asLong() == second
                    && h.path("inputs").path("app").path("accepted").asLong() >= RATE;
        });
        sender.close();
        long head = rig.awaitDrained(Duration.ofSeconds(60));
        return new Figures("wedged upload (stall " + rig.settings.stallTimeout() + ")",
                Duration.between(wedged, decided).toMillis(), repaired - wedged.toEpochMilli(), decision,
                awaitLedger(rig, head), head, rig.incidents().stream().filter(restarts()).count(), sender.written());
    }

    /** How scenario 2 breaks the destination. */
    enum Outage {
        /** Down: connections refused. */
        DOWN("destination_down"),
        /** Up, answering 503 (retryable) to every batch. */
        ANSWERS_503("destination_refuses"),
        /** Up, answering 401 (a permanent refusal: batches are dead-lettered) to every batch. */
        ANSWERS_401("destination_refuses");

        final String cause;

        Outage(String cause) {
            this.cause = cause;
        }
    }

    /**
     * Scenario 2: the destination fails for longer than stall_timeout, then recovers. The webhook must get one
     * alert and the agent must not be restarted.
     */
    static Figures destinationOutage(WatchdogRig rig, Outage outage) throws Exception {
        Duration stall = rig.settings.stall();
        rig.startWatchdog(null, "watchdog.log");
        long pid = rig.awaitAgent(Duration.ofSeconds(30));
        SteadySender sender = rig.send(RATE);
        Await.until("delivering", Duration.ofSeconds(30), () -> rig.receiver.lineCount() > RATE / 2);
        Instant broke = Instant.now();
        switch (outage) {
            case DOWN -> rig.receiver.down();
            case ANSWERS_503 -> rig.receiver.answer(503);
            case ANSWERS_401 -> rig.receiver.answer(401);
        }
        JsonNode alert = rig.webhook.await(outage.cause + " alert",
                stall.plus(rig.settings.probe().multipliedBy(rig.settings.unhealthyProbes() + 2)).plusSeconds(15),
                n -> outage.cause.equals(n.path("cause").asText()) && "alert".equals(n.path("decision").asText()));
        // Keep it broken past stall_timeout (from the alert, which needs stall_timeout only for refusals): a
        // restart would have been decided by then.
        Instant until = time(alert).plus(stall).plus(rig.settings.probe().multipliedBy(4));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), until).toMillis()));
        long restartsWhileBroken = rig.incidents().stream().filter(restarts()).count();
        boolean samePid = rig.agentPid().orElse(-1) == pid && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false);
        Instant fixed = Instant.now();
        switch (outage) {
            case DOWN -> rig.receiver.up();
            case ANSWERS_503, ANSWERS_401 -> rig.receiver.answer(200);
        }
        Await.until("the destination accepts again", Duration.ofSeconds(30),
                () -> rig.receiver.firstAcceptedAtOrAfter(fixed.toEpochMilli()) > 0);
        long repaired = rig.receiver.firstAcceptedAtOrAfter(fixed.toEpochMilli());
        sender.close();
        long head = rig.awaitDrained(Duration.ofSeconds(60));
        rig.awaitIncident(outage.cause + " resolved", Duration.ofSeconds(10), is("resolved", outage.cause));
        if (restartsWhileBroken != 0 || !samePid) {
            throw new AssertionError("the agent was restarted during " + outage + ": incidents " + rig.incidents());
        }
        return new Figures(outage.cause + " " + outage.name().toLowerCase() + " (stall " + rig.settings.stallTimeout()
                + ")", Duration.between(broke, time(alert)).toMillis(), repaired - fixed.toEpochMilli(), alert,
                awaitLedger(rig, head), head, rig.incidents().stream().filter(restarts()).count(), sender.written());
    }

    /** The destination's ledger once it holds everything up to {@code head} (the last batch may still be in flight). */
    static SeqLedger awaitLedger(WatchdogRig rig, long head) {
        try {
            Await.until("the destination received seq " + head, Duration.ofSeconds(10),
                    () -> SeqLedger.of(rig.receiver.lines()).complete(head));
        } catch (AssertionError e) {
            // fall through: the caller asserts on the ledger and prints it
        }
        return SeqLedger.of(rig.receiver.lines());
    }

    static List<JsonNode> restartIncidents(WatchdogRig rig) {
        return rig.incidents().stream().filter(restarts()).toList();
    }
}
