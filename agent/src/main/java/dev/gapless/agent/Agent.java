package dev.gapless.agent;

import dev.gapless.agent.admin.AdminServer;
import dev.gapless.agent.admin.AgentMetrics;
import dev.gapless.agent.admin.AgentView;
import dev.gapless.agent.admin.HealthReport;
import dev.gapless.agent.admin.HealthWatch;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalOptions;
import dev.gapless.agent.net.EventLoops;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.route.Route;
import dev.gapless.agent.plugin.Plugins;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.InputConfig;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.condition.Condition;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a config into a running agent and owns its lifecycle. Start order: data dir lock, cursors, journal
 * (its head never below the highest cursor), outputs, admin, inputs — so nothing is accepted before it can
 * be journaled and reported. Stop order is the reverse: inputs first, so nothing new is accepted while the
 * journal closes. A stop asked for while the agent starts (SIGTERM right after launch) waits for the start to
 * finish, then stops it: the two never run at once, so a stop never meets half-built parts.
 */
public final class Agent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How long a stop waits, in all, for the outputs' in-flight attempts. */
    private static final long OUTPUT_STOP_MS = 5_000;

    static {
        // Chronicle's POSIX binding (jnr-ffi, which generates and loads its native stubs at start: ~70 ms of every
        // start, docs/benchmarks.md) stays unloaded: Chronicle calls it only for msync sync modes, its pretoucher
        // and a POSIX clock, none of which the journal uses, and the journal's one native call (madvise) goes
        // through the JDK (journal.DontNeed). Before Chronicle's first class initialises, which binds it eagerly.
        PosixAPI.useNoOpPosixApi();
        // Chronicle registers shutdown hooks of its own from static initializers, first run when the first
        // segment opens, on the housekeeping thread. After a SIGTERM that came right after launch the JVM refuses
        // new hooks ("Shutdown in progress"), so that class could never initialize, an ExceptionInInitializerError
        // in the middle of a graceful stop. Run them now, before the agent's own hook exists.
        try {
            Class.forName("net.openhft.chronicle.core.io.BackgroundResourceReleaser", true,
                    Agent.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Chronicle Queue is not on the class path", e);
        } catch (ExceptionInInitializerError shuttingDown) {
            // SIGTERM even before this: the JVM exits with no hook of ours to run, nothing was started
        }
    }

    private final GaplessConfig config;
    private final Clock clock;
    private final Failpoints failpoints;
    private final DataDir dataDir;
    private final UUID bootId = UUID.randomUUID();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Held by {@link #start()} and {@link #close()} for their whole run: one at a time. */
    private final Object lifecycle = new Object();
    private final List<Input> inputs = new ArrayList<>();
    private final List<OutputWorker> outputs = new ArrayList<>();
    private EventLoopGroup boss;
    private EventLoopGroup inputLoops;
    private EventLoopGroup outputLoops;
    // The admin listener's own loop: /health answers even while the inputs' accept loop is busy or stuck.
    private EventLoopGroup adminLoop;
    private Journal journal;
    private AdminServer admin;
    private ScheduledExecutorService scheduler;
    private long startedAt;

    public Agent(GaplessConfig config, Clock clock, Failpoints failpoints) {
        this.config = config;
        this.clock = clock;
        this.failpoints = failpoints;
        this.dataDir = new DataDir(config.dataDir());
    }

    public void start() throws Exception {
        synchronized (lifecycle) {
            if (stopped.get()) {
                return; // stopped before it began: nothing to start
            }
            startParts();
        }
    }

    private void startParts() throws Exception {
        startedAt = clock.millis();
        dataDir.open();
        UUID agentId = dataDir.agentId();
        JournalConfig jc = config.journal();
        boolean sync = jc.durability() != JournalConfig.Durability.NONE;

        Map<OutputConfig, Long> cursors = new LinkedHashMap<>();
        long highest = 0;
        for (OutputConfig o : config.outputs()) {
            long acked = loadCursor(new CursorStore(dataDir.cursor(o.id()), sync));
            cursors.put(o, acked);
            highest = Math.max(highest, acked);
        }
        int maxRecord = maxRecordBytes(config);
        MinFreeCheck.check(config.dataDir(), jc).ifPresent(warning -> log.warn("{}", warning));
        journal = Journal.open(new JournalOptions(dataDir.journal(), jc, bootId, maxRecord,
                JournalOptions.blockSizeFor(maxRecord), clock), highest);
        for (Map.Entry<OutputConfig, Long> e : cursors.entrySet()) {
            if (e.getValue() == 0 && journal.firstSeq() > 1) {
                // a new output on an existing journal starts at what the journal holds
                e.setValue(journal.firstSeq() - 1);
            }
        }

        boss = EventLoops.nio("gapless-accept", 1);
        inputLoops = EventLoops.nio("gapless-in", 2);
        outputLoops = EventLoops.nio("gapless-client", 1);
        adminLoop = EventLoops.nio("gapless-admin", 1);
        String host = hostName();
        Components components = new Components(Plugins.load(), new Components.Context(journal, dataDir, boss,
                inputLoops, outputLoops, agentId, host, clock), config.filters());

        List<OutputStatus> statuses = new ArrayList<>();
        for (Map.Entry<OutputConfig, Long> e : cursors.entrySet()) {
            OutputConfig oc = e.getKey();
            Sink sink = components.sink(oc);
            Condition when = config.routes().get(oc.id());
            OutputStatus status = new OutputStatus(oc.id(), oc.type(), sink.destination(), when);
            OutputWorker w = new OutputWorker(new OutputWorker.Parts(oc.id(), journal, sink,
                    components.encoder(oc),
                    new CursorStore(dataDir.cursor(oc.id()), sync), dataDir.deadLetter(oc.id()), oc.batch(),
                    new Backoff(oc.retry()), clock, failpoints, status).routed(route(when)), e.getValue());
            journal.registerConsumer(w::committedSeq); // retention follows the cursor, not the /health figure
            statuses.add(status);
            outputs.add(w);
        }
        for (InputConfig ic : config.inputs()) {
            inputs.add(components.input(ic));
        }
        List<InputStats> inputStats = inputs.stream().map(Input::stats).toList();
        List<FilterStats> filterStats = components.filters().steps().stream().map(FilterChain.Step::stats).toList();
        AgentView view = new AgentView(agentId, bootId, version(), startedAt, journal, inputStats, statuses,
                filterStats);
        HealthWatch watch = new HealthWatch(view, clock);
        watch.runOnce(); // the first /health answer already says what is wrong (e.g. min_free above free space)
        admin = new AdminServer(new HealthReport(view, watch, clock), new AgentMetrics(view, watch, clock), failpoints);

        outputs.forEach(OutputWorker::start);
        admin.start(config.admin().listen(), adminLoop, adminLoop);
        for (Input in : inputs) {
            in.start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gapless-housekeeping");
            t.setDaemon(true);
            return t;
        });
        long hb = config.heartbeatInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::heartbeat, 0, hb, TimeUnit.MILLISECONDS);
        // Retention and /health's sampling share one tick, every 2 s: an idle agent wakes for them once in 2 s. Outputs
        // also retain after each cursor write, so disk use follows them without waiting for this tick.
        long sample = HealthWatch.SAMPLE_INTERVAL.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            retain();
            watchHealth(watch);
        }, sample, sample, TimeUnit.MILLISECONDS);
        Map<String, String> bound = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String addr = inputs.get(i).boundAddress();
            if (addr != null) {
                bound.put(config.inputs().get(i).id(), addr);
            }
        }
        dataDir.writeListeners(admin.boundAddress(), bound);
        dataDir.writePid();
        FaultInjection.start(failpoints);
        log.info("gapless agent {} started: agent_id {}, boot_id {}, {} input(s), {} output(s), admin on {}", version(),
                agentId, bootId, inputs.size(), outputs.size(), admin.boundAddress());
    }

    private long loadCursor(CursorStore store) {
        try {
            return store.load();
        } catch (IOException e) {
            // Never guess forward: resend what the journal still holds (duplicates, not loss).
            log.error("{}; resending everything the journal still holds to that output", e.getMessage());
            return 0;
        }
    }

    private void heartbeat() {
        try {
            long accepted = inputs.stream().mapToLong(i -> i.stats().accepted.sum()).sum();
            long uptime = clock.millis() - startedAt;
            long interval = config.heartbeatInterval().toMillis();
            journal.appendAgentRecord(RecordKind.HEARTBEAT, seq -> ("{\"interval_ms\":"
                    + interval + ",\"uptime_ms\":" + uptime + ",\"accepted\":" + accepted + "}")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        }
    }

    private static void watchHealth(HealthWatch watch) {
        try {
            watch.runOnce();
        } catch (RuntimeException e) {
            // a task that throws is never run again: /health would keep its last list for good
            log.warn("health sampling failed: {}", e.toString());
        }
    }

    private void retain() {
        try {
            journal.retain();
        } catch (RuntimeException e) {
            log.warn("journal retention failed: {}", e.toString());
        }
    }

    /** The largest record the journal must hold: the longest line any input accepts, plus room for fields. */
    static int maxRecordBytes(GaplessConfig config) {
        long longest = 1 << 20;
        for (InputConfig in : config.inputs()) {
            longest = Math.max(longest, in.maxEventBytes().bytes());
        }
        return (int) Math.min(Integer.MAX_VALUE / 8, longest + (64 << 10));
    }

    static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** An output's {@code when:} as a route; carrying everything when it has none (null). */
    private static Route route(Condition when) {
        return when == null ? Route.all() : Route.when(when);
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: ask the JDK
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Admin address actually bound. */
    public String adminAddress() {
        return admin.boundAddress();
    }

    public Journal journal() {
        return journal;
    }

    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        synchronized (lifecycle) {
            stopParts();
        }
    }

    private void stopParts() {
        log.info("gapless agent stopping");
        inputs.forEach(Input::close);
        if (scheduler != null) {
            // Not shutdownNow: an interrupt in the middle of a heartbeat's append (which may be opening a segment)
            // would fail it, an ERROR in a graceful stop. A heartbeat or retention pass takes milliseconds.
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // One deadline for all outputs: a wedged one costs the stop at most OUTPUT_STOP_MS, not that per output.
        long deadline = System.currentTimeMillis() + OUTPUT_STOP_MS;
        for (OutputWorker w : outputs) {
            w.stop(Math.max(1, deadline - System.currentTimeMillis()));
        }
        if (admin != null) {
            admin.close();
        }
        outputs.forEach(OutputWorker::close);
        if (journal != null) {
            journal.close();
        }
        for (EventLoopGroup g : new EventLoopGroup[] {inputLoops, outputLoops, boss, adminLoop}) {
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        dataDir.close();
        log.info("gapless agent stopped");
    }
}
