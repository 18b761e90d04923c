package dev.gapless.agent;

import dev.gapless.audit.AuditCommand;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.output.archive.VerifyArchiveCommand;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.load.FileProblems;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agent's command line: {@code gapless agent}, {@code gapless validate}, {@code gapless audit} and
 * {@code gapless verify-archive}.
 */
@Command(name = "gapless", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {Main.AgentCommand.class, Main.ValidateCommand.class, AuditCommand.class,
            VerifyArchiveCommand.class},
        description = "Gapless log agent")
public final class Main {

    /** Exit code for a config that does not load. */
    static final int EXIT_CONFIG = 2;
    /** Exit code for an agent that failed to start or failed while running. */
    static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Prints the version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gapless " + Agent.version()};
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true, description = "Run the agent.")
    static final class AgentCommand implements Callable<Integer> {
        private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

        @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
        Path config;

        @Option(names = "--exit-with-parent",
                description = "when standard input reaches end-of-file (the supervising watchdog is gone), keep "
                        + "shipping for --parent-grace waiting for a new watchdog to adopt this agent, then exit")
        boolean exitWithParent;

        @Option(names = "--parent-grace", defaultValue = "30s", converter = DurationConverter.class,
                description = "with --exit-with-parent: how long to wait to be adopted (default ${DEFAULT-VALUE})")
        Duration parentGrace;

        @Option(names = "--debug", description = "print the stack trace of a start-up failure")
        boolean debug;

        @Override
        public Integer call() {
            ignoreHangup(log);
            GaplessConfig cfg;
            try {
                cfg = ConfigLoader.load(config);
            } catch (ConfigException e) {
                printErrors(e);
                return EXIT_CONFIG;
            }
            Agent agent = new Agent(cfg, Clock.systemUTC(), Failpoints.fromEnvironment());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                agent.close();
                stop.countDown();
            }, "gapless-shutdown"));
            try {
                agent.start();
            } catch (Exception e) {
                // One line naming the file and the problem; the stack trace only when asked for.
                String failure = "agent failed to start: " + FileProblems.oneLine(e);
                if (debug) {
                    log.error(failure, e);
                } else {
                    log.error("{} (--debug shows the stack trace)", failure);
                }
                agent.close();
                return EXIT_FAILED;
            }
            if (exitWithParent) {
                new ParentWatch(cfg.dataDir(), parentGrace, () -> System.exit(0)).start(System.in);
            }
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }

    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a config file; print every error with its line and column.")
    static final class ValidateCommand implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
        Path config;

        @Override
        public Integer call() {
            try {
                GaplessConfig cfg = ConfigLoader.load(config);
                System.out.println(config + ": ok (" + cfg.inputs().size() + " input(s), " + cfg.outputs().size()
                        + " output(s))");
                warnings(cfg).forEach(w -> System.err.println(config + ": warning: " + w));
                return 0; // a warning is about this machine now, not the config: the config is valid
            } catch (ConfigException e) {
                printErrors(e);
                return EXIT_CONFIG;
            }
        }
    }

    /** What is valid but will not work on this machine as it is now (its data_dir, when that exists). */
    static List<String> warnings(GaplessConfig cfg) {
        List<String> warnings = new ArrayList<>();
        try {
            MinFreeCheck.check(cfg.dataDir(), cfg.journal()).ifPresent(warnings::add);
        } catch (IOException e) {
            warnings.add("cannot measure the free space of " + cfg.dataDir() + ": " + e.getMessage());
        }
        return warnings;
    }

    /** Reads {@code 30s}, {@code 500ms} and the like. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return dev.gapless.config.Durations.parse(value);
        }
    }

    /**
     * Service managers and logrotate scripts send SIGHUP expecting a reload or nothing; the JVM's default is to
     * shut down. Until reload exists, SIGHUP is logged at INFO and ignored (docs/operations.md, "Signals"). The
     * watchdog's main does the same: the two processes share no code but the config module.
     */
    static void ignoreHangup(Logger log) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> log.info("SIGHUP received: ignored (reload is"
                    + " not supported yet: restart the agent to apply a new config)"));
        } catch (IllegalArgumentException e) {
            // No SIGHUP here, or the JVM keeps it (-Xrs): the JVM's own behaviour stays.
            log.warn("SIGHUP cannot be ignored: {}", e.getMessage());
        }
    }

    static void printErrors(ConfigException e) {
        for (ConfigError err : e.errors()) {
            System.err.println(err);
        }
        System.err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
    }
}
