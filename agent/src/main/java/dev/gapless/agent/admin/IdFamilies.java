package dev.gapless.agent.admin;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
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
 * these gauges are filtered out of the bridge ({@link #isPerId}) and collected here; the rest still goes through
 * the bridge.
 */
final class IdFamilies implements MultiCollector {

    private record Family(String prefix, String prometheusPrefix, String label, String[] suffixes) {
    }

    private record Split(String name, String label, String id, String dropwizardPattern) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("gapless.input.", "gapless_input_", "input", MetricNames.INPUT),
            new Family("gapless.output.", "gapless_output_", "output", MetricNames.OUTPUT));

    private final MetricRegistry registry;

    IdFamilies(MetricRegistry registry) {
        this.registry = registry;
    }

    /** True for a name this collector serves (and the bridge must skip). */
    static boolean isPerId(String dropwizardName) {
        return split(dropwizardName) != null;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, GaugeSnapshot.Builder> families = new TreeMap<>();
        for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
            Split s = split(e.getKey());
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
        MetricSnapshots.Builder snapshots = MetricSnapshots.builder();
        families.values().forEach(f -> snapshots.metricSnapshot(f.build()));
        return snapshots.build();
    }

    /** The family and id of a per-id name: the id is what lies between a known prefix and a known suffix. */
    private static Split split(String name) {
        for (Family f : FAMILIES) {
            if (!name.startsWith(f.prefix())) {
                continue;
            }
            for (String suffix : f.suffixes()) {
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
