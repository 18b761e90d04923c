package dev.gapless.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.StepClock;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.condition.Condition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /health's {@code status} and {@code degraded} list: {@code degraded} whenever the agent cannot take or hand on
 * events, each reason with its since and detail. The health watch is stepped by hand on a clock the test moves.
 */
class HealthReportTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final StepClock clock = new StepClock(T0);
    final InputStats app = new InputStats("app", "tcp");
    final OutputStatus central = new OutputStatus("central", "http", "http://127.0.0.1:1/ingest");
    Journal journal;
    HealthWatch watch;
    HealthReport report;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    void open(JournalConfig config) throws Exception {
        journal = TestJournals.open(dir.resolve("journal"), config);
        journal.registerConsumer(() -> central.ackedSeq);
        AgentView view = new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test", T0.toEpochMilli(), journal,
                List.of(app), List.of(central));
        watch = new HealthWatch(view, clock);
        report = new HealthReport(view, watch, clock);
    }

    JsonNode health() throws Exception {
        return JSON.readTree(report.render());
    }

    JsonNode sampleAndRender() throws Exception {
        watch.runOnce();
        return health();
    }

    static List<String> reasons(JsonNode h) {
        List<String> out = new ArrayList<>();
        h.path("degraded").forEach(d -> out.add(d.path("reason").asText()));
        return out;
    }

    static JournalConfig config(ByteSize maxSize, ByteSize minFree) {
        return new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(5), maxSize, minFree,
                JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(1));
    }

    @Test
    void okWithAnEmptyDegradedListWhileTheAgentTakesAndHandsOnEvents() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        JsonNode h = sampleAndRender();
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("degraded").isArray()).isTrue();
        assertThat(h.path("degraded")).isEmpty();
        assertThat(h.path("outputs").path("central").path("cursor_commit_failures").asLong()).isZero();
    }

    @Test
    void anInputsKernelDropsAreShownAndInMetrics() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        app.kernelDrops = 17;
        assertThat(sampleAndRender().path("inputs").path("app").path("kernel_drops").asLong()).isEqualTo(17);
        AgentMetrics metrics = new AgentMetrics(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central)), watch, clock);
        assertThat(metrics.registry().getGauges().get(MetricNames.input("app", "kernel_drops")).getValue())
                .isEqualTo(17L);
    }

    @Test
    void aJournaldInputsChildRestartsAreShownAndInMetrics() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        app.childRestarts.add(3);
        assertThat(sampleAndRender().path("inputs").path("app").path("child_restarts").asLong()).isEqualTo(3);
        AgentMetrics metrics = new AgentMetrics(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central)), watch, clock);
        assertThat(metrics.registry().getGauges().get(MetricNames.input("app", "child_restarts")).getValue())
                .isEqualTo(3L);
    }

    @Test
    void everyPerInputAndPerOutputMetricIsOneLabelledFamily() throws Exception {
        // a name missing from MetricNames.INPUT/OUTPUT would reach the bridge as a family per id, and two inputs of
        // one type would then fail the whole scrape (duplicate metric name)
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        AgentMetrics metrics = new AgentMetrics(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central)), watch, clock);
        assertThat(metrics.registry().getNames())
                .filteredOn(n -> n.startsWith("gapless.input.") || n.startsWith("gapless.output."))
                .isNotEmpty()
                .allSatisfy(n -> assertThat(IdFamilies.isPerId(n)).as(n).isTrue());
    }

    @Test
    void eachFiltersCountersAreShownInChainOrderAndAnOutputsSkippedRecordsWithThem() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        FilterStats grok = new FilterStats("access", "grok");
        grok.events.add(10);
        grok.failures.add(2);
        grok.timeouts.add(1);
        FilterStats redact = new FilterStats("pii", "redact");
        redact.events.add(8);
        redact.rule("email").add(4);
        central.skippedRecords.add(6);
        HealthReport withFilters = new HealthReport(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central), List.of(grok, redact)), watch, clock);
        watch.runOnce();
        JsonNode h = JSON.readTree(withFilters.render());
        JsonNode filters = h.path("filters");
        assertThat(filters.fieldNames()).toIterable().containsExactly("access", "pii");
        assertThat(filters.path("access").path("type").asText()).isEqualTo("grok");
        assertThat(filters.path("access").path("events").asLong()).isEqualTo(10);
        assertThat(filters.path("access").path("failures").asLong()).isEqualTo(2);
        assertThat(filters.path("access").path("timeouts").asLong()).isEqualTo(1);
        assertThat(filters.path("access").has("rules")).isFalse();
        assertThat(filters.path("pii").path("rules").path("email").asLong()).isEqualTo(4);
        assertThat(h.path("outputs").path("central").path("skipped_records").asLong()).isEqualTo(6);
        assertThat(health().path("filters").isObject()).as("no filters: an empty object").isTrue();
        assertThat(health().path("filters")).isEmpty();
    }

    @Test
    void conditionsOutOfTheirRegexBudgetAreCountedPerFilterAndPerOutputInHealthAndMetrics() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        Condition filterWhen = Condition.parse("message =~ \"^(a+)+$\"");
        Condition outputWhen = Condition.parse("message !~ \"^(a+)+$\"");
        String text = "a".repeat(1 << 20) + "b";
        Condition.Subject hostile = path -> text; // message: the only path either condition reads
        assertThat(filterWhen.test(hostile)).isFalse();
        assertThat(outputWhen.test(hostile)).isFalse();
        assertThat(outputWhen.test(hostile)).isFalse();
        FilterStats drop = new FilterStats("noise", "drop", Optional.of(filterWhen));
        OutputStatus routed = new OutputStatus("errors", "file", "/var/log/errors.ndjson", outputWhen);
        AgentView view = new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test", T0.toEpochMilli(), journal,
                List.of(app), List.of(central, routed), List.of(drop));
        watch.runOnce();

        JsonNode h = JSON.readTree(new HealthReport(view, watch, clock).render());

        assertThat(h.path("filters").path("noise").path("when_timeouts").asLong()).isEqualTo(1);
        assertThat(h.path("outputs").path("errors").path("when_timeouts").asLong()).isEqualTo(2);
        assertThat(h.path("outputs").path("central").path("when_timeouts").asLong()).as("no when:").isZero();
        AgentMetrics metrics = new AgentMetrics(view, watch, clock);
        assertThat(metrics.registry().getGauges().get(MetricNames.filter("noise", "when_timeouts")).getValue())
                .isEqualTo(1L);
        assertThat(metrics.registry().getGauges().get(MetricNames.output("errors", "when_timeouts")).getValue())
                .isEqualTo(2L);
        assertThat(metrics.registry().getNames()).filteredOn(n -> n.endsWith(".when_timeouts"))
                .allSatisfy(n -> assertThat(IdFamilies.isPerId(n)).as(n).isTrue());
    }

    @Test
    void anInputsParseFailuresAreShownAndInMetrics() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        app.parseFailures.add(5);
        assertThat(sampleAndRender().path("inputs").path("app").path("parse_failures").asLong()).isEqualTo(5);
        AgentMetrics metrics = new AgentMetrics(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central)), watch, clock);
        assertThat(metrics.registry().getGauges().get(MetricNames.input("app", "parse_failures")).getValue())
                .isEqualTo(5L);
    }

    @Test
    void minFreeAboveTheFreeSpaceIsDegradedFromTheFirstSampleBeforeAnyAppend() throws Exception {
        long usable = Files.getFileStore(dir).getUsableSpace();
        ByteSize minFree = ByteSize.ofBytes(usable + (1L << 40)); // as min_free 1GiB on the 96 MiB tmpfs
        open(config(ByteSize.ofMebibytes(64), minFree));

        JsonNode h = sampleAndRender();

        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(reasons(h)).containsExactly("min_free");
        JsonNode d = h.path("degraded").get(0);
        assertThat(d.path("since").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(d.path("detail").asText()).contains("min_free is " + minFree).contains("are refused");
        assertThat(journal.append(TestBatches.of(event("refused"))).status())
                .isEqualTo(AppendResult.Status.FULL_MIN_FREE);

        clock.advance(Duration.ofSeconds(30));
        JsonNode later = sampleAndRender();
        assertThat(later.path("degraded").get(0).path("since").asLong()).as("since the first sample that saw it")
                .isEqualTo(T0.toEpochMilli());
        assertThat(later.path("journal").path("full_reason").asText()).isEqualTo("min_free");
    }

    @Test
    void aJournalRefusingAtMaxSizeIsJournalFullUntilRetentionMakesRoom() throws Exception {
        open(config(ByteSize.ofMebibytes(2), ByteSize.ofBytes(0)));
        byte[] kib = new byte[1024];
        Arrays.fill(kib, (byte) 'x');
        long last = 0;
        AppendResult r;
        // bound: 2 MiB of max_size is under 2,100 appends of 1 KiB; the loop ends at the first refusal
        for (int i = 0; (r = journal.append(TestBatches.of(Event.line("app", -1, 0, kib, 0)))).appended(); i++) {
            assertThat(i).as("the journal refuses within its max_size").isLessThan(4096);
            last = r.lastSeq();
        }
        assertThat(r.status()).isEqualTo(AppendResult.Status.FULL_MAX_SIZE);

        JsonNode h = sampleAndRender();
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(reasons(h)).containsExactly("journal_full");
        assertThat(h.path("degraded").get(0).path("since").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(h.path("degraded").get(0).path("detail").asText()).contains("max_size 2MiB");
        clock.advance(Duration.ofSeconds(5));
        assertThat(sampleAndRender().path("degraded").get(0).path("since").asLong()).isEqualTo(T0.toEpochMilli());

        journal.whenDurable(last).get();
        central.ackedSeq = last; // the output caught up: retention deletes what it passed
        assertThat(journal.retain()).isPositive();
        JsonNode after = sampleAndRender();
        assertThat(after.path("status").asText()).isEqualTo("ok");
        assertThat(after.path("degraded")).isEmpty();
    }

    @Test
    void sendersPausedLongerThanTheThresholdAreIngestBlockedForTheirInput() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        app.paused.pause(clock.millis());
        app.paused.pause(clock.millis() + 500); // a second connection pauses later: the episode began at the first
        clock.advance(HealthWatch.INGEST_BLOCKED_AFTER.minusMillis(1));
        assertThat(sampleAndRender().path("status").asText()).as("a pause shorter than the threshold is back-pressure")
                .isEqualTo("ok");

        clock.advance(Duration.ofMillis(1));
        JsonNode h = sampleAndRender();
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(reasons(h)).containsExactly("ingest_blocked");
        JsonNode d = h.path("degraded").get(0);
        assertThat(d.path("input").asText()).isEqualTo("app");
        assertThat(d.path("since").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(d.path("detail").asText()).contains("2 sender(s) paused for 10 s");

        app.paused.resume();
        assertThat(reasons(sampleAndRender())).as("one sender still waits").containsExactly("ingest_blocked");
        app.paused.resume();
        assertThat(sampleAndRender().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void aCursorThatCannotBeWrittenIsCursorCommitFailingForItsOutput() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        // as the output worker publishes a failed cursor write (OutputWorkerCursorTest drives the real one)
        central.cursorFailingSince = T0.toEpochMilli();
        central.cursorError = "cannot persist cursor 7 to /d/cursors/x.cursor: File name too long";
        central.cursorCommitFailures.add(3);
        clock.advance(Duration.ofSeconds(2));

        JsonNode h = sampleAndRender();
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(reasons(h)).containsExactly("cursor_commit_failing");
        JsonNode d = h.path("degraded").get(0);
        assertThat(d.path("output").asText()).isEqualTo("central");
        assertThat(d.has("input")).as("only the subject's field is written").isFalse();
        assertThat(d.path("since").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(d.path("detail").asText()).contains("File name too long").contains("3 failed writes");
        assertThat(h.path("outputs").path("central").path("cursor_commit_failures").asLong()).isEqualTo(3);
    }

    @Test
    void aFailedForceIsForceFailedSinceTheFailureAndListedFirst() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        long before = System.currentTimeMillis();
        JournalHooks.failForces(journal); // the journal's own clock stamps the failure
        long after = System.currentTimeMillis();
        app.paused.pause(clock.millis());
        clock.advance(HealthWatch.INGEST_BLOCKED_AFTER);

        JsonNode h = sampleAndRender();
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(reasons(h)).containsExactly("force_failed", "ingest_blocked");
        JsonNode d = h.path("degraded").get(0);
        assertThat(d.path("since").asLong()).isBetween(before, after);
        assertThat(d.path("detail").asText()).contains("injected force failure");
        assertThat(reasons(h)).as("a force failure is not also reported as a full journal")
                .doesNotContain("journal_full");
    }

    @Test
    void theListIsWhatTheLastSampleSaw() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        central.cursorFailingSince = T0.toEpochMilli();
        central.cursorError = "e";
        assertThat(health().path("status").asText()).as("not sampled yet").isEqualTo("ok");
        assertThat(sampleAndRender().path("status").asText()).isEqualTo("degraded");
        central.cursorFailingSince = 0;
        assertThat(sampleAndRender().path("degraded")).isEmpty();
    }

    @Test
    void theDegradedGaugeCountsTheListedReasons() throws Exception {
        open(config(ByteSize.ofMebibytes(64), ByteSize.ofBytes(0)));
        AgentMetrics metrics = new AgentMetrics(new AgentView(UUID.randomUUID(), UUID.randomUUID(), "test",
                T0.toEpochMilli(), journal, List.of(app), List.of(central)), watch, clock);
        com.codahale.metrics.Gauge<?> degraded = metrics.registry().getGauges().get(MetricNames.DEGRADED);
        watch.runOnce();
        assertThat(degraded.getValue()).isEqualTo(0L);
        central.cursorFailingSince = T0.toEpochMilli();
        central.cursorError = "e";
        app.paused.pause(clock.millis());
        clock.advance(HealthWatch.INGEST_BLOCKED_AFTER);
        watch.runOnce();
        assertThat(degraded.getValue()).isEqualTo(2L);
    }

    static Event event(String text) {
        return Event.line("app", -1, 0, text.getBytes(StandardCharsets.UTF_8), 0);
    }
}
