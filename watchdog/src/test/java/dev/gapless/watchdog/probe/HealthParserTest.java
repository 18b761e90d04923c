package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public class HealthParserTest {

    /** The sample from docs/architecture.md, "/health (the watchdog's contract)". */
    public static final String SAMPLE = """
            {
              "status": "ok",
              "degraded": [],
              "version": "0.1.0",
              "pid": 4242,
              "agent_id": "a-1", "boot_id": "b-1",
              "now": 1763892000000,
              "uptime_ms": 81234,
              "journal": { "head_seq": 1200, "durable_seq": 1200, "disk_bytes": 67108864,
                           "max_bytes": 4294967296, "full": false, "full_reason": null },
              "inputs": {
                "app": { "type": "tcp", "accepted": 1100, "rejected": 0, "truncated": 1,
                         "last_event_at": 1763891999000 }
              },
              "outputs": {
                "central": { "type": "http", "destination": "http://127.0.0.1:8080/ingest",
                             "acked_seq": 1150, "head_seq": 1200,
                             "backlog_events": 50, "backlog_bytes": 12800, "oldest_unacked_age_ms": 120,
                             "last_ack_at": 1763891999900, "last_attempt_at": 1763891999900,
                             "in_flight_since": null, "consecutive_failures": 0,
                             "last_error": null, "last_error_kind": null }
              }
            }
            """;

    @Test
    void parsesTheContractSample() throws IOException {
        AgentHealth h = HealthParser.parse(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertThat(h.pid()).isEqualTo(4242L);
        assertThat(h.bootId()).isEqualTo("b-1");
        assertThat(h.startedAt()).isEqualTo(1763892000000L - 81234);
        assertThat(h.journal()).isEqualTo(new AgentHealth.Journal(1200, 1200, 67108864, 4294967296L, false, null));
        assertThat(h.inputs().get("app")).isEqualTo(new AgentHealth.Input("tcp", 1100, 0, 1763891999000L));
        assertThat(h.outputs().get("central")).isEqualTo(new AgentHealth.Output("http", "http://127.0.0.1:8080/ingest",
                1150, 1200, 50, 12800, 1763891999900L, 1763891999900L, null, 0, null, null));
    }

    @Test
    void missingSectionsReadAsEmpty() throws IOException {
        AgentHealth h = HealthParser.parse("{\"status\":\"ok\",\"now\":5}".getBytes(StandardCharsets.UTF_8));
        assertThat(h.outputs()).isEmpty();
        assertThat(h.inputs()).isEmpty();
        assertThat(h.pid()).isNull();
    }

    @Test
    void refusesWhatIsNotAJsonObject() {
        assertThatThrownBy(() -> HealthParser.parse("<html>proxy error</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> HealthParser.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
