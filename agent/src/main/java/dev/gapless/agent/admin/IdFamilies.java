package dev.gapless.agent.admin;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-input and per-output gauges ({@code gapless.input.<id>.<suffix>}, {@code gapless.output.<id>.<suffix>})
 * as one Prometheus gauge family per suffix with the id as a label: {@code gapless_output_acked_seq{output="a"}}
 * and {@code {output="b"}} in one family.
 *
 * <p>The Dropwizard bridge cannot do this itself: it makes one family per Dropwizard metric, and two metrics
 * mapped to the same name make the whole scrape fail with "duplicate metric name" (client_java issue 1712) — that
 * is, any agent with two outputs. Its Graphite-style patterns also stop the id at a dot, and ids may hold dots. So
 * these gauges, and the per-output timers (as summaries in seconds), are filtered out of the bridge
 * ({@link #isPerId}) and collected here; the rest still goes through the bridge.
 */
final class IdFamilies implements MultiCollector {

    private record Family(String prefix, String prometheusPrefix, String label, String[] suffixes,
            String[] timerSuffixes) {
    }

    private record Split(String name, String label, String id, String dropwizardPattern) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("gapless.input.", "gapless_input_", "input", MetricNames.INPUT, new String[0]),
            new Family("gapless.output.", "gapless_output_", "output", MetricNames.OUTPUT,
                    MetricNames.OUTPUT_TIMERS),
            new Family("gapless.filter.", "gapless_filter_", "filter", MetricNames.FILTER, new String[0]));
    /** The quantiles a per-id timer shows, as the bridge shows the others' (its default set, minus 0.98). */
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.99, 0.999};

    private final MetricRegistry registry;

    IdFamilies(MetricRegistry registry) {
        this.registry = registry;
    }

    /** True for a name this collector serves (and the bridge must skip). */
    static boolean isPerId(String dropwizardName) {
        return split(dropwizardName, false) != null || split(dropwizardName, true) != null;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, GaugeSnapshot.Builder> families = new TreeMap<>();
        for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
            Split s = split(e.getKey(), false);
            if (s == null) {
                continue; // served by the bridge
            }
            if (!(e.getValue().getValue() instanceof Number value)) {
                continue; // every per-id gauge is a number; anything else has no Prometheus value
            }
            families.computeIfAbsent(s.name(), name -> GaugeSnapshot.builder().name(name)
                            .help("Gapless per-" + s.label() + " figure (" + s.dropwizardPattern() + ")"))
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of(s.label(), s.id()))
                            .value(value.doubleValue()).build());
        }
        Map<String, SummarySnapshot.Builder> summaries = new TreeMap<>();
        for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
            Split s = split(e.getKey(), true);
            if (s == null) {
                continue; // served by the bridge
            }
            Snapshot sample = e.getValue().getSnapshot();
            Quantiles.Builder q = Quantiles.builder();
            for (double quantile : QUANTILES) {
                q.quantile(quantile, sample.getValue(quantile) / 1e9); // the timer holds nanoseconds
            }
            summaries.computeIfAbsent(s.name(), name -> SummarySnapshot.builder().name(name)
                            .help("Gapless per-" + s.label() + " timing in seconds (" + s.dropwizardPattern() + ")"))
                    .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                            .labels(Labels.of(s.label(), s.id())).quantiles(q.build())
                            .count(e.getValue().getCount()).build());
        }
        MetricSnapshots.Builder snapshots = MetricSnapshots.builder();
        families.values().forEach(f -> snapshots.metricSnapshot(f.build()));
        summaries.values().forEach(f -> snapshots.metricSnapshot(f.build()));
        return snapshots.build();
    }

    /**
     * The family and id of a per-id name (a gauge's, or a timer's when {@code timer}): the id is what lies between
     * a known prefix and a known suffix.
     */
    private static Split split(String name, boolean timer) {
        for (Family f : FAMILIES) {
            if (!name.startsWith(f.prefix())) {
                continue;
            }
            for (String suffix : timer ? f.timerSuffixes() : f.suffixes()) {
                int idEnd = name.length() - suffix.length() - 1;
                if (idEnd > f.prefix().length() && name.endsWith(suffix) && name.charAt(idEnd) == '.') {
                    String id = name.substring(f.prefix().length(), idEnd);
                    return new Split(f.prometheusPrefix() + suffix, f.label(), id, f.prefix() + "<id>." + suffix);
                }
            }
        }
        return null;
    }
}
