package dev.gapless.it.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.admin.AgentView;
import dev.gapless.agent.admin.HealthReport;
import dev.gapless.agent.admin.HealthWatch;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalOptions;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.contract.DegradedReason;
import dev.gapless.watchdog.policy.Cause;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.HealthParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /health is a contract between two processes that share no code: rendered here by the agent's HealthReport and
 * parsed by the watchdog's HealthParser, so a field one side renames is a failing build, not a silent zero.
 */
class HealthContractTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theDegradedListTheAgentRendersIsTheListTheWatchdogReads() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        long usable = Files.getFileStore(dir).getUsableSpace();
        JournalConfig config = new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(5),
                ByteSize.ofMebibytes(64), ByteSize.ofBytes(usable + (1L << 40)), JournalConfig.WhenFull.BLOCK,
                ByteSize.ofMebibytes(1));
        int maxRecord = 64 * 1024;
        try (Journal journal = Journal.open(new JournalOptions(dir.resolve("journal"), config, UUID.randomUUID(),
                maxRecord, JournalOptions.blockSizeFor(maxRecord), clock), 0)) {
            InputStats app = new InputStats("app", "tcp");
            app.paused.pause(NOW.minus(HealthWatch.INGEST_BLOCKED_AFTER).minusSeconds(1).toEpochMilli());
            OutputStatus central = new OutputStatus("central", "http", "http://127.0.0.1:1/ingest");
            central.cursorFailingSince = NOW.minusSeconds(3).toEpochMilli();
            central.cursorError = "cannot persist cursor 7: File name too long";
            AgentView view = new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test", NOW.toEpochMilli() - 60_000,
                    journal, List.of(app), List.of(central));
            HealthWatch watch = new HealthWatch(view, clock);
            watch.runOnce();

            AgentHealth read = HealthParser.parse(new HealthReport(view, watch, clock).render());

            assertThat(read.status()).isEqualTo("degraded");
            assertThat(read.degraded()).containsExactlyElementsOf(watch.current().stream()
                    .map(d -> new AgentHealth.Degraded(d.reason().wireName(), d.since(), d.detail(), d.output(),
                            d.input()))
                    .toList());
            assertThat(read.degraded()).extracting(AgentHealth.Degraded::reason)
                    .containsExactly("min_free", "cursor_commit_failing", "ingest_blocked");
            assertThat(read.outputs().get("central").ackedSeq()).isZero();
        }
    }

    @Test
    void everyReasonTheAgentCanReportIsACauseTheWatchdogKnowsAndOnlyForceFailedRestarts() {
        for (DegradedReason r : DegradedReason.values()) {
            Cause cause = Cause.ofDegraded(r.wireName()).orElse(null);
            assertThat(cause).as("the watchdog's cause for %s", r.wireName()).isNotNull();
            assertThat(cause.remedy().restarts()).as(r.wireName()).isEqualTo(r == DegradedReason.FORCE_FAILED);
        }
    }
}
