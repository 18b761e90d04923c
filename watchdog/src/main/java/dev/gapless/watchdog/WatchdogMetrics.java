package dev.gapless.watchdog;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.gapless.watchdog.policy.Cause;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;

/**
 * The watchdog's metrics, all named here. Dropwizard counters, exported in Prometheus text format on
 * {@code /metrics/prometheus} (a counter {@code x} appears as {@code x_total}).
 */
public final class WatchdogMetrics {

    public static final String PROBES = "gapless_watchdog_probes";
    public static final String PROBE_FAILURES = "gapless_watchdog_probe_failures";
    public static final String RESTARTS = "gapless_watchdog_restarts";
    public static final String RESTART_FAILURES = "gapless_watchdog_restart_failures";
    public static final String THREAD_DUMPS = "gapless_watchdog_thread_dumps";
    public static final String ALERTS = "gapless_watchdog_alerts";
    public static final String ALERTS_DELIVERED = "gapless_watchdog_alerts_delivered";
    public static final String ALERTS_FAILED = "gapless_watchdog_alerts_failed";
    public static final String ALERTS_DROPPED = "gapless_watchdog_alerts_dropped";
    public static final String INCIDENT_WRITE_FAILURES = "gapless_watchdog_incident_write_failures";
    /** Followed by the cause's wire name: {@code gapless_watchdog_decisions_uploader_wedged}. */
    public static final String DECISIONS_PREFIX = "gapless_watchdog_decisions_";

    private final MetricRegistry registry = new MetricRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<Cause, Counter> decisions = new EnumMap<>(Cause.class);

    public final Counter probes = registry.counter(PROBES);
    public final Counter probeFailures = registry.counter(PROBE_FAILURES);
    public final Counter restarts = registry.counter(RESTARTS);
    public final Counter restartFailures = registry.counter(RESTART_FAILURES);
    public final Counter threadDumps = registry.counter(THREAD_DUMPS);
    public final Counter alerts = registry.counter(ALERTS);
    public final Counter alertsDelivered = registry.counter(ALERTS_DELIVERED);
    public final Counter alertsFailed = registry.counter(ALERTS_FAILED);
    public final Counter alertsDropped = registry.counter(ALERTS_DROPPED);
    public final Counter incidentWriteFailures = registry.counter(INCIDENT_WRITE_FAILURES);

    public WatchdogMetrics() {
        for (Cause c : Cause.values()) {
            decisions.put(c, registry.counter(DECISIONS_PREFIX + c.wireName()));
        }
        DropwizardExports.builder().dropwizardRegistry(registry).register(prometheus);
    }

    public Counter decisions(Cause cause) {
        return decisions.get(cause);
    }

    public MetricRegistry registry() {
        return registry;
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void writePrometheus(OutputStream out) throws IOException {
        writer.write(out, prometheus.scrape());
    }
}
