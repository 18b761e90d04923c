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
    void everyVersionOneFieldTheAgentRendersIsReadBackByTheWatchdog() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JournalConfig config = new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(5),
                ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(1));
        int maxRecord = 64 * 1024;
        try (Journal journal = Journal.open(new JournalOptions(dir.resolve("journal"), config, UUID.randomUUID(),
                maxRecord, JournalOptions.blockSizeFor(maxRecord), clock), 0)) {
            InputStats app = new InputStats("app", "tcp");
            app.accepted.add(1100);
            app.rejected.add(2);
            app.lastEventAt = NOW.toEpochMilli() - 1000;
            OutputStatus central = new OutputStatus("central", "http", "http://127.0.0.1:1/ingest");
            central.ackedSeq = 0;
            central.lastAttemptAt = NOW.toEpochMilli() - 100;
            central.inFlightSince = NOW.toEpochMilli() - 50;
            central.consecutiveFailures = 3;
            central.lastError = "connection refused";
            UUID agentId = UUID.randomUUID();
            UUID bootId = UUID.randomUUID();
            AgentView view = new AgentView(agentId, bootId, "test", NOW.toEpochMilli() - 60_000, journal, List.of(app),
                    List.of(central));
            HealthWatch watch = new HealthWatch(view, clock);
            watch.runOnce();
            byte[] rendered = new HealthReport(view, watch, clock).render();

            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(rendered).path("contract").asInt())
                    .isEqualTo(dev.gapless.contract.HealthFields.VERSION);
            AgentHealth read = HealthParser.parse(rendered);
            assertThat(read.status()).isEqualTo("ok");
            assertThat(read.agentId()).isEqualTo(agentId.toString());
            assertThat(read.bootId()).isEqualTo(bootId.toString());
            assertThat(read.now()).isEqualTo(NOW.toEpochMilli());
            assertThat(read.uptimeMs()).isEqualTo(60_000);
            assertThat(read.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(read.journal()).isEqualTo(new AgentHealth.Journal(journal.headSeq(), journal.durableSeq(),
                    journal.diskBytes(), ByteSize.ofMebibytes(64).bytes(), false, null));
            assertThat(read.inputs().get("app")).isEqualTo(new AgentHealth.Input("tcp", 1100, 2,
                    NOW.toEpochMilli() - 1000));
            assertThat(read.outputs().get("central")).isEqualTo(new AgentHealth.Output("http",
                    "http://127.0.0.1:1/ingest", 0, journal.headSeq(), journal.headSeq(), 0, null,
                    NOW.toEpochMilli() - 100, NOW.toEpochMilli() - 50, 3, "connection refused", null));
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
