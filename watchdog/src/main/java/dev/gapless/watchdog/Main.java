package dev.gapless.watchdog;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.load.FileProblems;
import dev.gapless.watchdog.status.StatusCommand;
import dev.gapless.watchdog.supervisor.ChildSupervisor;
import dev.gapless.watchdog.supervisor.Supervisor;
import dev.gapless.watchdog.supervisor.SystemdSupervisor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gapless watchdog|run|status --config FILE}: the watchdog's JVM. It loads config classes only,
 * never the agent's.
 * <ul>
 *   <li>{@code watchdog}: supervise the agent as the config says (child or systemd);</li>
 *   <li>{@code run}: the same, always as a child (the quick start);</li>
 *   <li>{@code status}: print the agent's outputs, backlog and the watchdog's latest decisions.</li>
 * </ul>
 * Exit codes: 0 done, 1 failed, 2 bad usage or config.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    static final String USAGE = """
            usage: gapless watchdog --config FILE   supervise the agent as the config says
                   gapless run --config FILE        start the agent as the watchdog's child and supervise it
                   gapless status --config FILE     show the agent's outputs, backlog and the watchdog's decisions""";

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv());
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The parsed command line. */
    record Args(String command, Path config) {
    }

    /** @return the parsed arguments, or null after printing the usage error */
    static Args parse(String[] args, PrintStream err) {
        String command = null;
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                err.println(USAGE);
                return null;
            } else if (a.equals("--config") || a.equals("-c")) {
                if (i + 1 >= args.length) {
                    err.println("--config needs a file\n" + USAGE);
                    return null;
                }
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (command == null && List.of("watchdog", "run", "status").contains(a)) {
                command = a;
            } else {
                err.println("unknown argument '" + a + "'\n" + USAGE);
                return null;
            }
        }
        if (config == null) {
            err.println("--config FILE is required\n" + USAGE);
            return null;
        }
        return new Args(command == null ? "watchdog" : command, config.toAbsolutePath().normalize());
    }

    static int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> env) {
        Args args = parse(argv, err);
        if (args == null) {
            return 2;
        }
        GaplessConfig config;
        try {
            config = ConfigLoader.load(args.config());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("cannot load " + args.config() + ": " + e);
            return 2;
        }
        if (args.command().equals("status")) {
            return new StatusCommand(config, out).run();
        }
        try {
            supervise(config, args.config(), args.command().equals("run"), env);
            return 0;
        } catch (Exception e) {
            err.println("gapless watchdog: " + FileProblems.oneLine(e)); // one line naming the file, no stack
            return 1;
        }
    }

    /**
     * Runs the watchdog until the JVM is asked to stop (SIGTERM, SIGINT): then the shutdown hook stops
     * the probe loop and, in child mode, the agent (SIGTERM, stop_timeout, SIGKILL).
     *
     * @param forceChild supervise as a child whatever the config says ({@code run})
     */
    public static void supervise(GaplessConfig config, Path configFile, boolean forceChild, Map<String, String> env)
            throws Exception {
        ignoreHangup();
        Watchdog w = new Watchdog(forceChild ? asChild(config) : config,
                supervisor(config, configFile, forceChild, env), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close();
            stopped.countDown();
        }, "gapless-watchdog-shutdown"));
        try {
            w.start();
        } catch (Exception e) {
            w.close();
            throw e;
        }
        stopped.await();
    }

    /**
     * Service managers and logrotate scripts send SIGHUP expecting a reload or nothing; the JVM's default is to
     * shut down (and, in child mode, stop the agent). Until reload exists, SIGHUP is logged at INFO and ignored
     * (docs/operations.md, "Signals"). The agent's main does the same: the two processes share no code but config.
     */
    static void ignoreHangup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> LOG.info("SIGHUP received: ignored (reload is"
                    + " not supported yet: restart the watchdog to apply a new config)"));
        } catch (IllegalArgumentException e) {
            // No SIGHUP here, or the JVM keeps it (-Xrs): the JVM's own behaviour stays.
            LOG.warn("SIGHUP cannot be ignored: {}", e.getMessage());
        }
    }

    static GaplessConfig asChild(GaplessConfig c) {
        WatchdogConfig w = c.watchdog();
        WatchdogConfig child = new WatchdogConfig(w.admin(), WatchdogConfig.Supervise.CHILD, w.systemdUnit(),
                w.agentCommand(), w.probeInterval(), w.healthTimeout(), w.unhealthyProbes(), w.stallTimeout(),
                w.stopTimeout(), w.restartBudget(), w.incidents(), w.alerts());
        return new GaplessConfig(c.dataDir(), c.heartbeatInterval(), c.journal(), c.admin(), c.inputs(), c.outputs(),
                child, c.filters(), c.routes());
    }

    static Supervisor supervisor(GaplessConfig config, Path configFile, boolean forceChild, Map<String, String> env) {
        WatchdogConfig w = config.watchdog();
        RunFiles run = new RunFiles(config.dataDir());
        if (!forceChild && w.supervise() == WatchdogConfig.Supervise.SYSTEMD) {
            return new SystemdSupervisor(List.of("systemctl"), w.systemdUnit(), run, w.stopTimeout());
        }
        dev.gapless.watchdog.probe.HealthProbe probe = new dev.gapless.watchdog.probe.HealthProbe(w.healthTimeout());
        return new ChildSupervisor(agentCommand(config, configFile, env), run, w.stopTimeout(),
                pid -> probe.probe(run.agentAdmin(config)).health()
                        .map(h -> h.pid() != null && h.pid() == pid).orElse(false));
    }

    /** watchdog.agent_command, else {@code $GAPLESS_HOME/bin/gapless agent --config <file> --exit-with-parent}. */
    static List<String> agentCommand(GaplessConfig config, Path configFile, Map<String, String> env) {
        if (!config.watchdog().agentCommand().isEmpty()) {
            return config.watchdog().agentCommand();
        }
        String home = env.get("GAPLESS_HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("gapless.home");
        }
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("GAPLESS_HOME is not set (the launcher sets it) and watchdog.agent_command"
                    + " is empty: cannot tell how to start the agent");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(home, "bin", "gapless").toString());
        cmd.addAll(List.of("agent", "--config", configFile.toAbsolutePath().toString(), "--exit-with-parent"));
        return cmd;
    }
}
