package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code degraded} list of /health: read entry by entry; absent (an older agent) reads as none. */
class HealthParserDegradedTest {

    @Test
    void readsEveryEntryWithItsSubject() throws IOException {
        AgentHealth h = HealthParser.parse("""
                { "status": "degraded", "now": 100,
                  "degraded": [
                    { "reason": "min_free", "since": 40, "detail": "90.0MiB free, min_free is 1GiB" },
                    { "reason": "cursor_commit_failing", "since": 50, "detail": "File name too long",
                      "output": "central" },
                    { "reason": "ingest_blocked", "since": 60, "detail": "3 sender(s)", "input": "app",
                      "a_field_added_later": true },
                    "not an object", { "no": "reason" }
                  ] }
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(h.status()).isEqualTo("degraded");
        assertThat(h.degraded()).containsExactly(
                new AgentHealth.Degraded("min_free", 40L, "90.0MiB free, min_free is 1GiB", null, null),
                new AgentHealth.Degraded("cursor_commit_failing", 50L, "File name too long", "central", null),
                new AgentHealth.Degraded("ingest_blocked", 60L, "3 sender(s)", null, "app"));
    }

    @Test
    void anAnswerWithoutTheListHasNone() throws IOException {
        assertThat(HealthParser.parse(HealthParserTest.SAMPLE.getBytes(StandardCharsets.UTF_8)).degraded()).isEmpty();
        assertThat(HealthParser.parse("{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)).degraded()).isEmpty();
    }
}
