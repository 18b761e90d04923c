package dev.gapless.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus side of the metrics: one family per figure, the input or output id as a label. */
class IdFamiliesTest {

    @Test
    void twoOutputsShareOneFamilyAndAnIdWithDotsIsOneLabelValue() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.register(MetricNames.output("central", "acked_seq"), (Gauge<Long>) () -> 7L);
        registry.register(MetricNames.output("a", "acked_seq"), (Gauge<Long>) () -> 5L);
        registry.register(MetricNames.output("eu.central-1", "acked_seq"), (Gauge<Long>) () -> 9L);
        registry.register(MetricNames.input("app.audit", "accepted"), (Gauge<Long>) () -> 3L);
        registry.register(MetricNames.input("app.audit", "last_event_at_seconds"), (Gauge<Double>) () -> 1.5);

        String text = scrape(registry);

        assertThat(text).contains("gapless_output_acked_seq{output=\"central\"} 7")
                .contains("gapless_output_acked_seq{output=\"a\"} 5")
                .contains("# HELP gapless_output_acked_seq Gapless per-output figure (gapless.output.<id>.acked_seq)")
                .contains("gapless_output_acked_seq{output=\"eu.central-1\"} 9")
                .contains("gapless_input_accepted{input=\"app.audit\"} 3")
                .contains("gapless_input_last_event_at_seconds{input=\"app.audit\"} 1.5")
                .doesNotContain("gapless_output_eu_central");
    }

    @Test
    void otherNamesKeepTheirShapeAndSummariesTheirQuantiles() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.register(MetricNames.JOURNAL_HEAD_SEQ, (Gauge<Long>) () -> 42L);
        Timer forces = registry.timer(MetricNames.JOURNAL_FORCE_SECONDS);
        forces.update(2, TimeUnit.MILLISECONDS);

        String text = scrape(registry);

        assertThat(text).contains("gapless_journal_head_seq 42")
                .contains("gapless_journal_force_seconds{quantile=\"0.5\"} 0.002")
                .contains("gapless_journal_force_seconds_count 1");
    }

    @Test
    void perOutputTimersAreOneSummaryFamilyInSecondsWithTheIdAsALabel() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.timer(MetricNames.output("a", "ack_latency_seconds")).update(250, TimeUnit.MILLISECONDS);
        Timer b = registry.timer(MetricNames.output("eu.b", "ack_latency_seconds"));
        b.update(3, TimeUnit.SECONDS);
        b.update(3, TimeUnit.SECONDS);

        String text = scrape(registry);

        assertThat(text).contains("# TYPE gapless_output_ack_latency_seconds summary")
                .contains("gapless_output_ack_latency_seconds{output=\"a\",quantile=\"0.99\"} 0.25")
                .contains("gapless_output_ack_latency_seconds_count{output=\"a\"} 1")
                .contains("gapless_output_ack_latency_seconds{output=\"eu.b\",quantile=\"0.5\"} 3.0")
                .contains("gapless_output_ack_latency_seconds_count{output=\"eu.b\"} 2")
                .doesNotContain("gapless_output_eu_b");
        assertThat(IdFamilies.isPerId(MetricNames.output("a", "ack_latency_seconds"))).isTrue();
    }

    @Test
    void filterFiguresAreFamiliesByFilterAndRuleCountsHaveTwoLabels() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.register(MetricNames.filter("grok_1", "failures"), (Gauge<Long>) () -> 4L);
        registry.register(MetricNames.filter("scrub.pii", "events"), (Gauge<Long>) () -> 10L);
        registry.register(MetricNames.filterRule("scrub.pii", "email"), (Gauge<Long>) () -> 3L);
        registry.register(MetricNames.filterRule("scrub.pii", "credit_card"), (Gauge<Long>) () -> 0L);

        String text = scrape(registry);

        assertThat(text).contains("gapless_filter_failures{filter=\"grok_1\"} 4")
                .contains("gapless_filter_events{filter=\"scrub.pii\"} 10")
                .contains("gapless_filter_rule_matches_total{filter=\"scrub.pii\",rule=\"email\"} 3.0")
                .contains("gapless_filter_rule_matches_total{filter=\"scrub.pii\",rule=\"credit_card\"} 0.0")
                .doesNotContain("gapless_filter_rule_scrub");
    }

    @Test
    void onlyNamesOfAKnownFamilyAndSuffixAreServedHere() {
        assertThat(IdFamilies.isPerId("gapless.output.acked_seq")).isFalse();
        assertThat(IdFamilies.isPerId("gapless.output.x.unknown_suffix")).isFalse();
        assertThat(IdFamilies.isPerId("gapless.journal.head_seq")).isFalse();
        assertThat(IdFamilies.isPerId("gapless.output.a.b.backlog_events")).isTrue();
    }

    private static String scrape(MetricRegistry registry) throws Exception {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        AgentMetrics.bridge(registry, prometheus);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, prometheus.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toString(StandardCharsets.UTF_8);
    }
}
