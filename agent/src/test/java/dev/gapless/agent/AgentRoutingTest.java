package dev.gapless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.audit.AuditOptions;
import dev.gapless.audit.AuditReport;
import dev.gapless.audit.Auditor;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two outputs of one agent, one routed by {@code when:}: each delivered stream audits complete on its own. */
class AgentRoutingTest {

    @TempDir
    Path dir;

    @Test
    void aRoutedAndAnUnroutedOutputEachAuditComplete() throws Exception {
        GaplessConfig config = ConfigLoader.parse("""
                data_dir: ./data
                journal: { durability: fsync, max_size: 64MiB, min_free: 1MiB, segment_size: 4MiB }
                admin: { listen: 127.0.0.1:0 }
                inputs:
                  - { id: app, type: tcp, listen: 127.0.0.1:0 }
                outputs:
                  - id: errors
                    type: file
                    path: ./out/errors.ndjson
                    when: 'fields.level == "error"'
                  - { id: all, type: file, path: ./out/all.ndjson }
                """, "test.yaml", dir, Map.of());
        String[] levels = {"info", "error", "info", "info", "error", "debug"};
        try (Agent agent = new Agent(config, Clock.systemUTC(), Failpoints.none())) {
            agent.start();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < levels.length; i++) {
                events.add(new Event("app", -1, System.currentTimeMillis() * 1_000_000L,
                        System.currentTimeMillis() * 1_000_000L, ("line " + i).getBytes(StandardCharsets.UTF_8),
                        ("{\"level\":\"" + levels[i] + "\"}").getBytes(StandardCharsets.UTF_8), 0));
            }
            long last = agent.journal().append(TestBatches.of(events)).lastSeq();
            String lastSeq = "\"seq\":" + last + ",";
            awaitContains(dir.resolve("out/errors.ndjson"), lastSeq);
            awaitContains(dir.resolve("out/all.ndjson"), lastSeq);
        }
        String routed = Files.readString(dir.resolve("out/errors.ndjson"));
        assertThat(routed).contains("\"message\":\"line 1\"").contains("\"message\":\"line 4\"")
                .doesNotContain("\"message\":\"line 0\"").contains("\"kind\":\"skipped\"");

        AuditReport.AgentReport errors = audit(dir.resolve("out/errors.ndjson"));
        assertThat(errors.verdict()).isEqualTo(AuditReport.Verdict.COMPLETE);
        assertThat(errors.skippedByRouting()).isEqualTo(4);
        assertThat(errors.undeclared().isEmpty()).isTrue();
        assertThat(errors.skippedButDelivered().isEmpty()).isTrue();

        AuditReport.AgentReport all = audit(dir.resolve("out/all.ndjson"));
        assertThat(all.verdict()).isEqualTo(AuditReport.Verdict.COMPLETE);
        assertThat(all.skippedByRouting()).isZero();
        assertThat(all.lastSeq()).isEqualTo(errors.lastSeq());
    }

    private static AuditReport.AgentReport audit(Path file) {
        Auditor auditor = new Auditor(AuditOptions.defaults());
        auditor.audit(file);
        AuditReport r = auditor.report();
        assertThat(r.agents()).hasSize(1);
        return r.agents().get(0);
    }

    /** Polls the output file for the text, up to 10 s: the outcome is asserted, the time is only a bound. */
    private static void awaitContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertThat(System.nanoTime()).as(file + " gets " + text + " within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
