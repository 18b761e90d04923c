package dev.gapless.config.load.internal;

import dev.gapless.config.AdminConfig;
import dev.gapless.config.FilterConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.load.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into a {@link GaplessConfig}: builds a located tree, binds it by hand section by
 * section, and collects every problem on the way, so the caller gets either a config in which every
 * value was checked or all the errors at once. The binding goes on past a bad value (using the
 * default in its place) precisely so that the errors after it are found too; a record is built only
 * from values that passed.
 */
public final class ConfigReader {

    /** Where {@code data_dir} points when not given, relative to the config file. */

    private final Values values;
    private final Problems problems;
    private final Listeners listeners = new Listeners();

    private ConfigReader(Values values, Problems problems) {
        this.values = values;
        this.problems = problems;
    }

    /**
     * @param fileName names the file in errors
     * @param baseDir  relative paths resolve against it
     * @param env      the variables for {@code ${VAR}}
     */
    public static GaplessConfig read(String text, String fileName, Path baseDir, Map<String, String> env)
            throws ConfigException {
        Problems problems = new Problems(fileName);
        Values values = new Values(env, baseDir.toAbsolutePath().normalize(), problems);
        ConfigReader reader = new ConfigReader(values, problems);
        GaplessConfig config = YamlTree.read(text, problems).map(reader::bind).orElse(null);
        if (config == null || !problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return config;
    }

    private GaplessConfig bind(Node root) {
        if (!(root instanceof Node.Mapping)) {
            problems.add(root, "expected a mapping of settings at the top level, got " + root.describe());
            return null;
        }
        Section top = Section.of(root, problems, "a mapping of settings");
        Path dataDir = top.get("data_dir", values::dataDir, values.resolve(GaplessConfig.DEFAULT_DATA_DIR));
        Duration heartbeat = top.get("heartbeat_interval", values::positiveDuration,
                GaplessConfig.DEFAULT_HEARTBEAT_INTERVAL);
        JournalConfig journal = journal(top.section("journal", "a mapping of journal settings"));
        AdminConfig admin = admin(top.section("admin", "a mapping with listen"), AdminConfig.AGENT_DEFAULT);
        List<InputConfig> inputs = new InputBinder(values, problems, listeners)
                .bind(top.list("inputs", "a list of inputs"));
        List<FilterConfig> filters = new FilterBinder(values, problems, listeners)
                .bind(top.list("filters", "a list of filters"));
        OutputBinder outputBinder = new OutputBinder(values, problems, listeners);
        List<OutputConfig> outputs = outputBinder.bind(top.list("outputs", "a list of outputs"));
        WatchdogConfig watchdog = new WatchdogBinder(this, values, problems)
                .bind(top.section("watchdog", "a mapping of watchdog settings"), dataDir);
        top.done();
        listeners.check(problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new GaplessConfig(dataDir, heartbeat, journal, admin, inputs, outputs, watchdog, filters,
                outputBinder.routes());
    }

    private JournalConfig journal(Section s) {
        JournalConfig d = JournalConfig.DEFAULT;
        JournalConfig journal = new JournalConfig(
                s.get("durability", values.oneOf(JournalConfig.Durability.class), d.durability()),
                s.get("sync_interval", values::positiveDuration, d.syncInterval()),
                s.get("max_size", values::positiveSize, d.maxSize()),
                s.optional("min_free", values::size),
                s.get("when_full", values.oneOf(JournalConfig.WhenFull.class), d.whenFull()),
                s.get("segment_size", values::positiveSize, d.segmentSize()));
        s.done();
        if (journal.segmentSize().bytes() > journal.maxSize().bytes() / 2) {
            Node at = s.node("segment_size").or(() -> s.node("max_size")).orElse(s.mapping());
            problems.add(at, "segment_size (" + journal.segmentSize() + ") must be at most half of max_size ("
                    + journal.maxSize() + "): segments are deleted whole, so a larger one cannot keep disk use"
                    + " under max_size");
        }
        return journal;
    }

    /** An admin listener section, its address registered against clashes. */
    AdminConfig admin(Section s, AdminConfig fallback) {
        AdminConfig admin = new AdminConfig(s.get("listen", values::listenAddress, fallback.listen()));
        s.done();
        listeners.add(admin.listen(), Node.child(s.mapping().path(), "listen"), s.node("listen"));
        return admin;
    }
}
