package dev.gapless.watchdog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.config.AlertConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.WebhookAlertConfig;
import dev.gapless.watchdog.admin.AdminServer;
import dev.gapless.watchdog.alert.AlertSink;
import dev.gapless.watchdog.alert.LogAlertSink;
import dev.gapless.watchdog.alert.WebhookAlertSink;
import dev.gapless.watchdog.incident.Incident;
import dev.gapless.watchdog.incident.IncidentJournal;
import dev.gapless.watchdog.policy.Action;
import dev.gapless.watchdog.policy.Decision;
import dev.gapless.watchdog.policy.Policy;
import dev.gapless.watchdog.policy.PolicySettings;
import dev.gapless.watchdog.probe.AgentHealth;
import dev.gapless.watchdog.probe.DestinationProbe;
import dev.gapless.watchdog.probe.DestinationStatus;
import dev.gapless.watchdog.probe.HealthProbe;
import dev.gapless.watchdog.probe.HealthResult;
import dev.gapless.watchdog.probe.Observation;
import dev.gapless.watchdog.probe.ProcessStatus;
import dev.gapless.watchdog.supervisor.Stop;
import dev.gapless.watchdog.supervisor.Supervisor;
import dev.gapless.watchdog.supervisor.ThreadDumper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog: every probe_interval, observe the agent (process, /health, destinations), ask the
 * {@link Policy}, carry out its decisions (thread dump, restart, alert) and journal each as an incident.
 * {@link #runOnce()} is one probe; {@link #start()} schedules it. The policy and the probes are
 * touched only by the probe-loop thread (or a test calling runOnce).
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Decisions kept for the admin /health; older ones are in the incident journal. */
    static final int RECENT_DECISIONS = 20;
    /** At shutdown, a probe under way gets this long to finish before the agent is stopped anyway. */
    static final long LOOP_STOP_WAIT_MS = 10_000;

    private final GaplessConfig config;
    private final WatchdogConfig wc;
    private final Supervisor supervisor;
    private final Clock clock;
    private final RunFiles run;
    private final WatchdogMetrics metrics;
    private final IncidentJournal journal;
    private final ThreadDumper dumper;
    private final List<AlertSink> sinks = new ArrayList<>();
    private final HealthProbe healthProbe;
    private final DestinationProbe destinationProbe;
    // Outputs whose destination could not be probed, logged once each; only the probe loop's thread.
    private final Set<String> unprobedOutputs = new HashSet<>();
    private final Map<String, OutputConfig> outputs = new LinkedHashMap<>();
    /** Guarded by itself; written by the probe loop, read by the admin thread. */
    private final Deque<ObjectNode> recent = new ArrayDeque<>();
    private volatile ObjectNode lastProbe = JSON.createObjectNode();
    private Policy policy;
    private AdminServer admin;
    private ScheduledExecutorService loop;
    private boolean closed;

    public Watchdog(GaplessConfig config, Supervisor supervisor, Clock clock) {
        this.config = config;
        this.wc = config.watchdog();
        this.supervisor = supervisor;
        this.clock = clock;
        this.run = new RunFiles(config.dataDir());
        this.metrics = new WatchdogMetrics();
        this.journal = new IncidentJournal(incidentsPath(config));
        this.dumper = new ThreadDumper(journal.dir(), ThreadDumper.JCMD_TIMEOUT);
        this.healthProbe = new HealthProbe(wc.healthTimeout());
        this.destinationProbe = new DestinationProbe(wc.healthTimeout());
        config.outputs().forEach(o -> outputs.put(o.id(), o));
        sinks.add(new LogAlertSink());
        for (AlertConfig a : wc.alerts()) {
            if (a instanceof WebhookAlertConfig w) {
                sinks.add(new WebhookAlertSink(w, metrics.alertsDelivered, metrics.alertsFailed,
                        metrics.alertsDropped));
            } else {
                throw new IllegalArgumentException("unknown alert type " + a.type());
            }
        }
    }

    /** watchdog.incidents, relative to data_dir when relative. */
    public static Path incidentsPath(GaplessConfig config) {
        Path p = config.watchdog().incidents();
        return p.isAbsolute() ? p : config.dataDir().resolve(p);
    }

    /** Starts (or adopts) the agent and the admin listener; does not schedule probes. */
    public synchronized void open() throws IOException {
        run.writeWatchdogPid(); // first: an agent whose previous watchdog died is waiting to be adopted
        supervisor.start();
        policy = new Policy(PolicySettings.from(config), clock.instant());
        admin = new AdminServer(wc.admin().listen(), this::healthJson, metrics);
        if (wc.admin().listen().port() == 0) {
            run.writeWatchdogListeners(admin.address());
        }
        LOG.info("watchdog up: supervise={} agent pid={} admin={} incidents={}", wc.supervise(),
                supervisor.pid().isPresent() ? supervisor.pid().getAsLong() : "none", admin.address(), journal.file());
    }

    /** {@link #open()}, then a probe every probe_interval on one thread. */
    public synchronized void start() throws IOException {
        open();
        loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gapless-watchdog-probe"));
        loop.schedule(this::tick, wc.probeInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * One probe, then the next one probe_interval after this one <em>started</em>: probe latency does not
     * stretch the cadence, so a condition is confirmed within stall_timeout + unhealthy_probes × probe_interval.
     * A probe that overran (health_timeout, a restart) is followed at once, never by a burst of catch-up probes.
     */
    private void tick() {
        long started = System.nanoTime();
        try {
            runOnce();
        } catch (RuntimeException | StackOverflowError e) { // the loop must outlive any one bad probe
            LOG.error("probe failed", e);
        } catch (Error e) {
            // Not a bad probe but a broken JVM: typically a NoClassDefFoundError after a package upgrade replaced the
            // jars under the running watchdog. A loop that went on would fail the same way at every probe, and a loop
            // that ended would leave a watchdog that runs and watches nothing; exiting lets the service manager (or
            // the operator) start a whole one. Out of memory never gets here: the launcher exits on it.
            LOG.error("probe failed inside the JVM ({}); the watchdog exits so that it is restarted whole", e, e);
            Runtime.getRuntime().halt(70);
        }
        long next = Math.max(0, wc.probeInterval().toNanos() - (System.nanoTime() - started));
        try {
            loop.schedule(this::tick, next, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /** One probe: observe, decide, act. */
    public List<Decision> runOnce() {
        Observation o = observe();
        List<Decision> decisions = policy.decide(o);
        for (Decision d : decisions) {
            execute(d, o.at());
        }
        lastProbe = probeSummary(o);
        return decisions;
    }

    Observation observe() {
        // The probe's time is when it looked: its own latency must not age what it saw.
        Instant at = clock.instant();
        OptionalLong pid = supervisor.pid();
        ProcessStatus process = ProcessStatus.of(supervisor.alive(), pid.orElse(-1));
        metrics.probes.inc();
        Optional<HealthResult> health = Optional.empty();
        Map<String, DestinationStatus> dests = new LinkedHashMap<>();
        // A stopped process cannot answer: asking would only spend health_timeout.
        if (process == ProcessStatus.RUNNING) {
            HealthResult r = healthProbe.probe(run.agentAdmin(config));
            health = Optional.of(r);
            r.health().ifPresent(h -> dests.putAll(
                    DestinationProbe.struggling(h, outputs, destinationProbe::probe, unprobedOutputs)));
        }
        if (process != ProcessStatus.RUNNING || health.map(r -> !r.ok()).orElse(true)) {
            metrics.probeFailures.inc();
        }
        return new Observation(at, process, health, dests);
    }

    /**
     * Carries out one decision. The alert (log, webhooks) goes out at once; a restart's thread dump and stop may
     * take seconds, and the incident journal records what was done once it is done.
     *
     * @param decidedAt the probe's time: the incident's time, whatever the action then takes (dump, stop)
     */
    private void execute(Decision d, Instant decidedAt) {
        metrics.decisions(d.cause()).inc();
        OptionalLong pidNow = supervisor.pid();
        Long pid = pidNow.isPresent() ? pidNow.getAsLong() : null;
        if (!d.action().restarts()) {
            if (d.action() == Action.ALERT) {
                metrics.alerts.inc();
            }
            Incident incident = new Incident(decidedAt, d, d.action() == Action.ALERT ? "alerted"
                    : d.action() == Action.RESOLVED ? "resolved" : "recorded", pid, null);
            alert(incident);
            record(incident);
            return;
        }
        alert(new Incident(decidedAt, d, "restart under way", pid, null));
        String dump = null;
        if (d.action() == Action.THREAD_DUMP_AND_RESTART && pid != null && supervisor.alive()) {
            try {
                dump = dumper.dump(pid, clock.instant()).toString();
                metrics.threadDumps.inc();
            } catch (IOException e) {
                LOG.warn("thread dump of pid {} failed: {}", pid, e.toString());
            }
        }
        String taken;
        try {
            taken = "restart: " + supervisor.restart(d.action() == Action.KILL_AND_RESTART ? Stop.KILL : Stop.GRACEFUL);
            policy.agentStarted(clock.instant());
            metrics.restarts.inc();
            LOG.warn("{} ({}) done: {}", d.action().wireName(), d.cause().wireName(), taken);
        } catch (IOException | RuntimeException e) {
            taken = "restart failed: " + e.getMessage();
            metrics.restartFailures.inc();
            LOG.error("{} ({}) failed: {}", d.action().wireName(), d.cause().wireName(), taken);
        }
        record(new Incident(decidedAt, d, taken, pid, dump));
    }

    private void alert(Incident incident) {
        for (AlertSink s : sinks) {
            s.send(incident);
        }
    }

    /** The incident journal and the admin /health's recent decisions. */
    private void record(Incident incident) {
        try {
            journal.append(incident);
        } catch (IOException e) {
            metrics.incidentWriteFailures.inc();
            LOG.error("could not write incident to {}: {}", journal.file(), e.toString());
        }
        synchronized (recent) {
            recent.addLast(incident.toJson());
            while (recent.size() > RECENT_DECISIONS) {
                recent.pollFirst();
            }
        }
    }

    private ObjectNode probeSummary(Observation o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("at", o.at().toString());
        n.put("agent_alive", o.processAlive());
        n.put("agent_process", o.process().name().toLowerCase(java.util.Locale.ROOT));
        o.health().ifPresent(r -> {
            n.put("health_ok", r.ok());
            n.put("health_error", r.error());
            n.put("health_latency_ms", r.latencyMs());
        });
        o.agent().map(AgentHealth::bootId).ifPresent(b -> n.put("agent_boot_id", b));
        n.set("destinations", JSON.valueToTree(o.destinations()));
        n.set("conditions", JSON.valueToTree(policy.conditions()));
        n.put("restarts_in_window", policy.restartsInWindow(o.at()));
        return n;
    }

    /** The watchdog's own /health body. */
    String healthJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", "ok");
        n.put("pid", ProcessHandle.current().pid());
        n.put("supervise", wc.supervise().name().toLowerCase(java.util.Locale.ROOT));
        OptionalLong pid = supervisor.pid();
        if (pid.isPresent()) {
            n.put("agent_pid", pid.getAsLong());
        } else {
            n.putNull("agent_pid");
        }
        n.set("last_probe", lastProbe);
        ArrayNode a = n.putArray("recent_decisions");
        synchronized (recent) {
            recent.forEach(a::add);
        }
        return n.toString();
    }

    public AdminServer admin() {
        return admin;
    }

    public WatchdogMetrics metrics() {
        return metrics;
    }

    public IncidentJournal journal() {
        return journal;
    }

    /** Stops probing, stops an agent the watchdog owns (child mode), closes the listener and alert senders. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop != null) {
            loop.shutdown();
            try {
                if (!loop.awaitTermination(LOOP_STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    loop.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        supervisor.close();
        run.clearWatchdogPid();
        if (admin != null) {
            admin.close();
        }
        sinks.forEach(AlertSink::close);
        LOG.info("watchdog stopped");
    }
}
