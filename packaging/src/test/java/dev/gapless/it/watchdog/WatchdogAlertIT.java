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
        // 401 is a permanent refusal for the http output: rejected batches are dead-lettered and declared lost. The
        // loss records of batches rejected while the destination still refused are themselves rejected (and
        // dead-lettered): only the dead-letter file accounts for those holes (see the report on the agent side).
        assertThat(f.ledger().maxSeq()).isGreaterThanOrEqualTo(f.head());
        assertThat(f.ledger().declared()).as("the rejected events are declared by loss records").isPositive();
        assertThat(f.ledger().losses()).allSatisfy(l ->
                assertThat(l.path("loss").path("reason").asText()).isEqualTo("rejected"));
        Path deadLetter = rig.dataDir.resolve("dead-letter/" + WatchdogRig.OUTPUT + ".ndjson");
        List<long[]> kept = new ArrayList<>();
        for (String line : Files.readAllLines(deadLetter)) {
            JsonNode n = JSON.readTree(line);
            kept.add(new long[] {n.path("from_seq").asLong(), n.path("to_seq").asLong()});
        }
        List<Long> unaccounted = SeqLedger.missingSeqs(rig.receiver.lines()).stream()
                .filter(s -> kept.stream().noneMatch(r -> s >= r[0] && s <= r[1])).toList();
        assertThat(unaccounted).as("every seq was delivered, declared lost or dead-lettered").isEmpty();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
