package dev.gapless.watchdog.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.watchdog.policy.Action;
import dev.gapless.watchdog.policy.Cause;
import dev.gapless.watchdog.policy.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IncidentJournalTest {

    @TempDir
    Path dir;

    public static Incident incident(int n) {
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("backlog_events", 50L);
        obs.put("last_error_kind", null);
        return new Incident(Instant.parse("2026-11-23T10:00:00Z").plusSeconds(n),
                new Decision(Action.THREAD_DUMP_AND_RESTART, Cause.UPLOADER_WEDGED, "central", null, obs, 2),
                "restart: stopped by SIGTERM in 80ms; started pid 4243", 4242L, "/x/threaddump-1.txt");
    }

    @Test
    void writesOneJsonLinePerIncidentWithPrivatePermissions() throws Exception {
        Path file = dir.resolve("watchdog/sub/incidents.jsonl");
        IncidentJournal j = new IncidentJournal(file);
        j.append(incident(0));
        j.append(incident(1));
        var lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode n = new ObjectMapper().readTree(lines.get(0));
        assertThat(n.path("time").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(n.path("decision").asText()).isEqualTo("thread_dump_and_restart");
        assertThat(n.path("cause").asText()).isEqualTo("uploader_wedged");
        assertThat(n.path("output").asText()).isEqualTo("central");
        assertThat(n.path("input").isNull()).isTrue();
        assertThat(n.path("observations").path("backlog_events").asLong()).isEqualTo(50);
        assertThat(n.path("observations").has("last_error_kind")).isTrue();
        assertThat(n.path("action_taken").asText()).startsWith("restart:");
        assertThat(n.path("restart_count_in_window").asInt()).isEqualTo(2);
        assertThat(n.path("agent_pid").asLong()).isEqualTo(4242);
        assertThat(n.path("thread_dump").asText()).isEqualTo("/x/threaddump-1.txt");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(j.tail(1)).singleElement().asString().contains("2026-11-23T10:00:01Z");
    }

    @Test
    void rotatesAtTheBound() throws Exception {
        Path file = dir.resolve("incidents.jsonl");
        IncidentJournal j = new IncidentJournal(file, 1000);
        for (int i = 0; i < 10; i++) {
            j.append(incident(i));
        }
        assertThat(Files.size(file)).isLessThan(2000);
        assertThat(dir.resolve("incidents.jsonl.1")).exists();
        assertThat(Files.size(dir.resolve("incidents.jsonl.1"))).isLessThan(2000);
    }

    @Test
    void tailOfMissingJournalIsEmpty() throws Exception {
        assertThat(new IncidentJournal(dir.resolve("none.jsonl")).tail(5)).isEmpty();
    }
}
