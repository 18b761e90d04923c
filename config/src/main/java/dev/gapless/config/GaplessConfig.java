package dev.gapless.config;

import java.nio.file.Path;
import java.time.Duration;
import dev.gapless.config.condition.Condition;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole of one Gapless YAML file, resolved: every default applied, every path absolute, every
 * value checked. Built only by {@link dev.gapless.config.load.ConfigLoader}; the agent and the
 * watchdog read it and never see YAML.
 *
 * @param dataDir           journal, cursors, agent id, run files
 * @param heartbeatInterval how often the agent writes a heartbeat event into the journal
 * @param journal           the disk buffer
 * @param admin             the agent's /health and /metrics listener
 * @param inputs            sources, each with a unique id
 * @param outputs           destinations, each with a unique id
 * @param watchdog          how the watchdog probes and repairs the agent
 * @param filters           the filter chain between the inputs and the journal, in order; ids unique
 * @param routes            the {@code when:} of each output that has one, by output id: the output carries only the
 *                          events for which it holds
 */
public record GaplessConfig(
        Path dataDir,
        Duration heartbeatInterval,
        JournalConfig journal,
        AdminConfig admin,
        List<InputConfig> inputs,
        List<OutputConfig> outputs,
        WatchdogConfig watchdog,
        List<FilterConfig> filters,
        Map<String, Condition> routes) {

    /** Relative to the config file's folder. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

    public GaplessConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(watchdog, "watchdog");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        filters = List.copyOf(filters);
        routes = Map.copyOf(routes);
    }

    /** A config without filters or routes. */
    public GaplessConfig(Path dataDir, Duration heartbeatInterval, JournalConfig journal, AdminConfig admin,
                         List<InputConfig> inputs, List<OutputConfig> outputs, WatchdogConfig watchdog) {
        this(dataDir, heartbeatInterval, journal, admin, inputs, outputs, watchdog, List.of(), Map.of());
    }
}
