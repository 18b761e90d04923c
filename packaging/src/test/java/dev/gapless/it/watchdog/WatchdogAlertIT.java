package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.LineSender;
import dev.gapless.it.support.SeqLedger;
import dev.gapless.it.watchdog.Scenarios.Outage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that are the destination's: the watchdog alerts through the webhook and does not restart the agent
 * (a restart cannot fix them); when the destination recovers, everything the agent accepted arrives.
 */
class WatchdogAlertIT {

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
    void destinationDownLongerThanStallTimeoutAlertsWithoutRestartAndEverythingArrivesWhenItReturns()
            throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        Scenarios.Figures f = Scenarios.destinationOutage(rig, Outage.DOWN);
        System.out.println("scenario 2 (down): " + f);

        assertThat(f.restarts()).as("no restart; incidents %s", rig.incidents()).isZero();
        assertThat(f.decision().path("observations").path("destination_reachable").asBoolean(true)).isFalse();
        assertThat(f.ledger().complete(f.head())).as("every seq arrived: %s", f.ledger()).isTrue();
        assertThat(f.ledger().declared()).isZero();
        assertThat(f.ledger().duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
    }

    @Test
    void destinationAnswering503AlertsWithoutRestartAndEverythingArrivesWhenItRecovers() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        Scenarios.Figures f = Scenarios.destinationOutage(rig, Outage.ANSWERS_503);
        System.out.println("scenario 2 (503): " + f);

        assertThat(f.restarts()).as("no restart; incidents %s", rig.incidents()).isZero();
        assertThat(f.decision().path("observations").path("last_error_kind").asText()).isEqualTo("refused");
        assertThat(f.detectMs()).as("refusals are judged after stall_timeout")
                .isGreaterThanOrEqualTo(rig.settings.stall().toMillis());
        assertThat(f.ledger().complete(f.head())).as("every seq arrived: %s", f.ledger()).isTrue();
        assertThat(f.ledger().declared()).isZero();
        assertThat(f.ledger().duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
    }

    @Test
    void destinationAnswering401AlertsWithoutRestartAndNothingIsLostOnceCredentialsWork() throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        Scenarios.Figures f = Scenarios.destinationOutage(rig, Outage.ANSWERS_401);
        System.out.println("scenario 2 (401): " + f);

        // 401 says the credentials are wrong, not the events: retried (the journal keeps them), alerted, never
        // dead-lettered; once the destination accepts again everything arrives.
        assertThat(f.restarts()).as("no restart; incidents %s", rig.incidents()).isZero();
        assertThat(f.decision().path("cause").asText()).isEqualTo("destination_refuses");
        assertThat(f.decision().path("observations").path("last_error_kind").asText()).isEqualTo("refused");
        assertThat(f.ledger().complete(f.head())).as("every seq arrived: %s", f.ledger()).isTrue();
        assertThat(f.ledger().declared()).isZero();
        assertThat(f.ledger().duplicates()).isLessThanOrEqualTo(WatchdogRig.MAX_DUPLICATES);
        assertThat(rig.dataDir.resolve("dead-letter/" + WatchdogRig.OUTPUT + ".ndjson")).doesNotExist();
    }

    @Test
    void slowDestinationIsAlertedAsDestinationSlowShownInStatusNeverRestartedAndNothingIsSentTwice() throws Exception {
        // The case: every request answered after 4 s, stall_timeout 3 s, the output's timeout 30 s.
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight(), "30s");
        rig.receiver.answerAfter(Duration.ofSeconds(4));
        rig.startRun(null, "watchdog.log");
        long pid = rig.awaitAgent(Duration.ofSeconds(30));
        try (LineSender lines = new LineSender(rig.inputAddress("app"), LINES, 100)) {
            Await.until("the agent accepted every line", Duration.ofSeconds(30), () -> {
                JsonNode h = rig.agentHealth();
                return h != null && h.path("inputs").path("app").path("accepted").asLong() >= LINES;
            });
        }
        JsonNode first = rig.awaitIncident("destination_slow alert or a restart", Duration.ofSeconds(60),
                n -> WatchdogRig.restarts().test(n) || WatchdogRig.is("alert", "destination_slow").test(n));
        String status = rig.status();
        long head = rig.awaitDrained(Duration.ofSeconds(120));
        SeqLedger ledger = Scenarios.awaitLedger(rig, head);
        long restarts = Scenarios.restartIncidents(rig).size();
        System.out.printf("scenario 7: %d lines to a destination answering after 4 s: first decision %s/%s;"
                        + " %d restarts; %s; %d requests%n", LINES, first.path("decision").asText(),
                first.path("cause").asText(), restarts, ledger, rig.receiver.requests());

        assertThat(restarts).as("a restart cannot make a destination faster; incidents %s", rig.incidents())
                .isZero();
        assertThat(rig.agentPid()).hasValue(pid);
        assertThat(ledger.complete(head)).as("every seq arrived: %s", ledger).isTrue();
        assertThat(ledger.duplicates()).as("nothing resent").isZero();
        JsonNode alert = rig.webhook.await("destination_slow alert", Duration.ofSeconds(5),
                n -> "destination_slow".equals(n.path("cause").asText()) && "alert".equals(n.path("decision")
                        .asText()));
        assertThat(alert.path("output").asText()).isEqualTo(WatchdogRig.OUTPUT);
        assertThat(alert.path("observations").path("in_flight_ms").asLong()).isGreaterThanOrEqualTo(
                rig.settings.stall().toMillis());
        assertThat(rig.incidents().stream().filter(WatchdogRig.is("alert", "destination_slow")).count())
                .as("alerted once, not once per slow request").isEqualTo(1);
        assertThat(status).contains("destination_slow");
        rig.awaitIncident("destination_slow resolved once caught up", Duration.ofSeconds(30),
                WatchdogRig.is("resolved", "destination_slow"));
    }

    /** Lines sent in the slow-destination case: six batches of {@link WatchdogRig#BATCH}. */
    static final int LINES = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();
}
