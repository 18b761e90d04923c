package dev.gapless.agent.admin;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalStats;
import dev.gapless.agent.output.OutputStatus;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Registers the agent's figures as Dropwizard gauges (read from the live state, so they never drift from
 * /health) and bridges them to a Prometheus registry with the input or output id as a label.
 */
public final class AgentMetrics {

    private final MetricRegistry registry = new MetricRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();

    public AgentMetrics(AgentView view, HealthWatch watch, Clock clock) {
        Journal j = view.journal();
        JournalStats s = j.stats();
        gauge(MetricNames.JOURNAL_HEAD_SEQ, j::headSeq);
        gauge(MetricNames.JOURNAL_DURABLE_SEQ, j::durableSeq);
        gauge(MetricNames.JOURNAL_FIRST_SEQ, j::firstSeq);
        gauge(MetricNames.JOURNAL_DISK_BYTES, j::diskBytes);
        gauge(MetricNames.JOURNAL_MAX_BYTES, () -> j.config().maxSize().bytes());
        gauge(MetricNames.JOURNAL_FULL, () -> s.fullReason == null ? 0 : 1);
        gauge(MetricNames.JOURNAL_APPENDED_RECORDS, s.appendedRecords::sum);
        gauge(MetricNames.JOURNAL_APPENDED_BYTES, s.appendedBytes::sum);
        gauge(MetricNames.JOURNAL_FULL_REFUSALS, s.fullRefusals::sum);
        gauge(MetricNames.JOURNAL_CORRUPT_RECORDS, s.corruptRecords::sum);
        gauge(MetricNames.JOURNAL_LOST_RECORDS, s.lostRecords::sum);
        gauge(MetricNames.JOURNAL_DROPPED_SEGMENTS, s.droppedSegments::sum);
        gauge(MetricNames.JOURNAL_FORCES, s.forces::sum);
        gauge(MetricNames.JOURNAL_FORCE_FAILED, () -> s.forceFailed ? 1 : 0);
        gauge(MetricNames.JOURNAL_SYNCER_ERRORS, s.syncerErrors::sum);
        registry.register(MetricNames.JOURNAL_LAST_FORCE_SECONDS, (Gauge<Double>) () -> s.lastForceNanos.get() / 1e9);
        registry.register(MetricNames.JOURNAL_FORCE_SECONDS, s.forceDurations);
        gauge(MetricNames.DEGRADED, () -> watch.current().size());
        registry.register(MetricNames.UPTIME_SECONDS, (Gauge<Double>) () -> (clock.millis() - view.startedAt()) / 1e3);
        for (FilterStats f : view.filters()) {
            gauge(MetricNames.filter(f.id, "events"), f.events::sum);
            gauge(MetricNames.filter(f.id, "dropped"), f.dropped::sum);
            gauge(MetricNames.filter(f.id, "failures"), f.failures::sum);
            gauge(MetricNames.filter(f.id, "timeouts"), f.timeouts::sum);
            gauge(MetricNames.filter(f.id, "errors"), f.errors::sum);
            gauge(MetricNames.filter(f.id, "when_timeouts"), f::whenTimeouts);
            f.rules().forEach((rule, count) -> gauge(MetricNames.filterRule(f.id, rule), count::sum));
        }
        for (InputStats in : view.inputs()) {
            String id = in.id;
            gauge(MetricNames.input(id, "accepted"), in.accepted::sum);
            gauge(MetricNames.input(id, "rejected"), in.rejected::sum);
            gauge(MetricNames.input(id, "truncated"), in.truncated::sum);
            gauge(MetricNames.input(id, "invalid_utf8"), in.invalidUtf8::sum);
            gauge(MetricNames.input(id, "parse_failures"), in.parseFailures::sum);
            gauge(MetricNames.input(id, "bytes"), in.bytes::sum);
            gauge(MetricNames.input(id, "blocked"), in.blocked::sum);
            gauge(MetricNames.input(id, "skipped_tails"), in.skippedTails::sum);
            gauge(MetricNames.input(id, "files_not_followed"), in.filesNotFollowed::sum);
            gauge(MetricNames.input(id, "multiline_matches_aborted"), in.multilineAborted::sum);
            gauge(MetricNames.input(id, "connections_refused"), in.connectionsRefused::sum);
            gauge(MetricNames.input(id, "connections_evicted"), in.connectionsEvicted::sum);
            gauge(MetricNames.input(id, "kernel_drops"), () -> in.kernelDrops);
            gauge(MetricNames.input(id, "child_restarts"), in.childRestarts::sum);
            registry.register(MetricNames.input(id, "last_event_at_seconds"),
                    (Gauge<Double>) () -> in.lastEventAt / 1e3);
        }
        for (OutputStatus o : view.outputs()) {
            String id = o.id;
            gauge(MetricNames.output(id, "acked_seq"), () -> o.ackedSeq);
            gauge(MetricNames.output(id, "backlog_events"), () -> Math.max(0, j.headSeq() - o.ackedSeq));
            gauge(MetricNames.output(id, "delivered_records"), o.deliveredRecords::sum);
            gauge(MetricNames.output(id, "delivered_bytes"), o.deliveredBytes::sum);
            gauge(MetricNames.output(id, "skipped_records"), o.skippedRecords::sum);
            gauge(MetricNames.output(id, "when_timeouts"), o::whenTimeouts);
            gauge(MetricNames.output(id, "failed_attempts"), o.failedAttempts::sum);
            gauge(MetricNames.output(id, "rejected_records"), o.rejectedRecords::sum);
            gauge(MetricNames.output(id, "consecutive_failures"), () -> o.consecutiveFailures);
            gauge(MetricNames.output(id, "cursor_commit_failures"), o.cursorCommitFailures::sum);
            gauge(MetricNames.output(id, "sent_records"), o.sentRecords::sum);
            gauge(MetricNames.output(id, "retried_records"), o.retriedRecords::sum);
            registry.register(MetricNames.output(id, "ack_latency_seconds"), o.ackLatency);
            registry.register(MetricNames.output(id, "last_ack_at_seconds"), (Gauge<Double>) () -> o.lastAckAt / 1e3);
            registry.register(MetricNames.output(id, "in_flight_seconds"),
                    (Gauge<Double>) () -> o.inFlightSince == 0 ? 0 : (clock.millis() - o.inFlightSince) / 1e3);
            registry.register(MetricNames.output(id, "oldest_unacked_age_seconds"), (Gauge<Double>) () ->
                    o.oldestUnackedReceivedAt == 0 ? 0 : Math.max(0, clock.millis() - o.oldestUnackedReceivedAt) / 1e3);
        }
        bridge(registry, prometheus);
    }

    /**
     * Serves {@code registry} through {@code prometheus}: per-id gauges as one labelled family each
     * ({@link IdFamilies}), everything else through the Dropwizard bridge.
     */
    static void bridge(MetricRegistry registry, PrometheusRegistry prometheus) {
        DropwizardExports.builder().dropwizardRegistry(registry)
                .metricFilter((name, metric) -> !IdFamilies.isPerId(name) && !RuleFamily.serves(name))
                .register(prometheus);
        prometheus.register(new IdFamilies(registry));
        prometheus.register(new RuleFamily(registry));
    }

    private void gauge(String name, LongSupplier value) {
        registry.register(name, (Gauge<Long>) value::getAsLong);
    }

    public MetricRegistry registry() {
        return registry;
    }

    public PrometheusRegistry prometheus() {
        return prometheus;
    }
}
