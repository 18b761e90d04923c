package dev.gapless.agent.admin;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;

/**
 * The filters' per-rule counts ({@code gapless.filter_rule.<id>/<rule>}, such as a redact filter's matches of
 * {@code email}) as one Prometheus counter family with two labels: {@code gapless_filter_rule_matches_total
 * {filter="scrub",rule="email"}}. Filter ids and rule names may hold dots, hence the '/' between them (an id
 * cannot hold one).
 */
final class RuleFamily implements MultiCollector {

    static final String NAME = "gapless_filter_rule_matches";

    private final MetricRegistry registry;

    RuleFamily(MetricRegistry registry) {
        this.registry = registry;
    }

    static boolean serves(String dropwizardName) {
        return dropwizardName.startsWith(MetricNames.FILTER_RULE_PREFIX);
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(NAME)
                .help("Gapless per-filter, per-rule matches (" + MetricNames.FILTER_RULE_PREFIX + "<id>/<rule>)");
        boolean any = false;
        for (Map.Entry<String, Gauge> e : registry.getGauges((name, m) -> serves(name)).entrySet()) {
            String rest = e.getKey().substring(MetricNames.FILTER_RULE_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || !(e.getValue().getValue() instanceof Number value)) {
                continue;
            }
            family.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("filter", rest.substring(0, slash), "rule", rest.substring(slash + 1)))
                    .value(value.doubleValue()).build());
            any = true;
        }
        return any ? MetricSnapshots.of(family.build()) : MetricSnapshots.of();
    }
}
