package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.watchdog.Scenarios.Outage;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(f.ledger().duplicates()).isLessThanOrEqualTo(WatchdogRig.BATCH);
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
        assertThat(f.ledger().duplicates()).isLessThanOrEqualTo(WatchdogRig.BATCH);
    }

    @Test
    void destinationAnswering401AlertsWithoutRestartAndTheRejectedEventsAreDeclaredAndDeadLettered()
            throws Exception {
        rig = new WatchdogRig(dir, WatchdogRig.Settings.tight());
        Scenarios.Figures f = Scenarios.destinationOutage(rig, Outage.ANSWERS_401);
        System.out.println("scenario 2 (401): " + f);

        assertThat(f.restarts()).as("no restart; incidents %s", rig.incidents()).isZero();
        assertThat(f.decision().path("observations").path("last_error_kind").asText()).isEqualTo("rejected");
        // 401 is a permanent refusal for the http output: rejected batches are dead-lettered and declared lost.
        assertThat(f.ledger().missing()).as("no silent hole: %s", f.ledger()).isZero();
        assertThat(f.ledger().maxSeq()).isGreaterThanOrEqualTo(f.head());
        assertThat(f.ledger().declared()).as("the rejected events are declared by loss records").isPositive();
        assertThat(f.ledger().losses()).allSatisfy(l ->
                assertThat(l.path("loss").path("reason").asText()).isEqualTo("rejected"));
        Path deadLetter = rig.dataDir.resolve("dead-letter/" + WatchdogRig.OUTPUT + ".ndjson");
        assertThat(Files.size(deadLetter)).as("the rejected batches are kept").isPositive();
    }
}
