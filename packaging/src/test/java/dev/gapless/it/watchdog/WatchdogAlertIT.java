package dev.gapless.it.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.SeqLedger;
import dev.gapless.it.watchdog.Scenarios.Outage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    private static final ObjectMapper JSON = new ObjectMapper();
}
