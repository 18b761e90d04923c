package dev.gapless.it.watchdog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.AgentProcesses;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.HttpReceiver;
import dev.gapless.it.support.SteadySender;
import dev.gapless.it.support.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One watchdog scenario's world, all on 127.0.0.1 with OS-chosen ports: an HTTP destination that acknowledges
 * ({@link HttpReceiver}), a webhook for alerts, a config with tight watchdog settings, and {@code bin/gapless
 * watchdog} supervising the agent as its child. {@link #close()} kills the watchdog and every agent of this
 * config (the pid file's too), so no scenario leaves an orphan.
 */
final class WatchdogRig implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** The agent's log line at the moment the wedge failpoint blocks the upload. */
    private static final Pattern WEDGE_LOG = Pattern.compile("^(\\S+) ERROR .*FAILPOINT: output (\\S+) wedges now",
            Pattern.MULTILINE);

    /** The watchdog settings a scenario runs with (YAML durations, e.g. {@code 250ms}). */
    record Settings(String probeInterval, String healthTimeout, int unhealthyProbes, String stallTimeout,
                    String stopTimeout, int budgetMax, String budgetPer) {

        static Settings tight() {
            return new Settings("250ms", "1s", 2, "3s", "5s", 2, "1m");
        }

        Duration stall() {
            return parse(stallTimeout);
        }

        Duration probe() {
            return parse(probeInterval);
        }

        static Duration parse(String d) {
            if (d.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(d.substring(0, d.length() - 2)));
            } else if (d.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(d.substring(0, d.length() - 1)));
            } else if (d.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(d.substring(0, d.length() - 1)));
            }
            throw new IllegalArgumentException(d);
        }
    }

    static final String OUTPUT = "central";
    static final int BATCH = 500;
    /**
     * Duplicates a crash or restart may cause: the batch in flight, and the batch before it, whose cursor write
     * overlaps the next send (docs/architecture.md, outputs).
     */
    static final int MAX_DUPLICATES = 2 * BATCH;

    /** The output's {@code timeout} unless a scenario gives its own. */
    static final String OUTPUT_TIMEOUT = "2s";

    final Path dir;
    final Path dataDir;
    final Path config;
    final Settings settings;
    final HttpReceiver receiver;
    final WebhookReceiver webhook;
    private final List<GaplessProcess> watchdogs = new ArrayList<>();
    private final List<SteadySender> senders = new ArrayList<>();

    WatchdogRig(Path dir, Settings settings) throws IOException {
        this(dir, settings, OUTPUT_TIMEOUT);
    }

    /** @param outputTimeout the HTTP output's {@code timeout} (a YAML duration) */
    WatchdogRig(Path dir, Settings settings, String outputTimeout) throws IOException {
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.config = dir.resolve("gapless.yaml");
        this.settings = settings;
        this.receiver = HttpReceiver.start();
        this.webhook = WebhookReceiver.start();
        Files.writeString(config, """
                data_dir: ./data
                journal:
                  durability: batch
                  max_size: 256MiB
                  min_free: 64MiB
                  segment_size: 16MiB
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: app
                    type: tcp
                    listen: 127.0.0.1:0
                outputs:
                  - id: %s
                    type: http
                    url: %s
                    timeout: %s
                    batch: { max_events: %d }
                    retry: { initial_backoff: 50ms, max_backoff: 500ms }
                watchdog:
                  admin:
                    listen: 127.0.0.1:0
                  supervise: child
                  probe_interval: %s
                  health_timeout: %s
                  unhealthy_probes: %d
                  stall_timeout: %s
                  stop_timeout: %s
                  restart_budget: { max: %d, per: %s }
                  alerts:
                    - type: webhook
                      url: %s
                      timeout: 1s
                      max_attempts: 3
                """.formatted(OUTPUT, receiver.url(), outputTimeout, BATCH, settings.probeInterval(), settings.healthTimeout(),
                settings.unhealthyProbes(), settings.stallTimeout(), settings.stopTimeout(), settings.budgetMax(),
                settings.budgetPer(), webhook.url()));
    }

    /** A failpoint suffix that arms it for the first agent only (docs/architecture.md, "Fault injection"). */
    String once(String name) {
        return ":once=" + dir.resolve(name + ".once");
    }

    /** Starts {@code bin/gapless watchdog}; its child agent inherits {@code GAPLESS_FAILPOINTS} when given. */
    GaplessProcess startWatchdog(String failpoints, String logName) throws IOException {
        return start("watchdog", failpoints, logName);
    }

    /** Starts {@code bin/gapless run} (the quick start: the agent always the watchdog's child). */
    GaplessProcess startRun(String failpoints, String logName) throws IOException {
        return start("run", failpoints, logName);
    }

    /** Starts {@code bin/gapless <command>} ({@code watchdog} or {@code run}) with this rig's config. */
    GaplessProcess start(String command, String failpoints, String logName) throws IOException {
        Map<String, String> env = failpoints == null ? Map.of() : Map.of("GAPLESS_FAILPOINTS", failpoints);
        GaplessProcess w = GaplessProcess.start(dataDir, dir.resolve(logName), env, command, "--config",
                config.toString());
        watchdogs.add(w);
        return w;
    }

    /** Waits until an agent answers /health and returns its pid. */
    long awaitAgent(Duration timeout) {
        Await.until("an agent answers /health (see " + agentOut() + ")", timeout, () -> agentHealth() != null);
        return agentHealth().path("pid").asLong();
    }

    /** Waits until an agent other than {@code oldPid} answers /health and returns its pid. */
    long awaitNewAgent(long oldPid, Duration timeout) {
        Await.until("a new agent (not pid " + oldPid + ") answers /health", timeout, () -> {
            JsonNode h = agentHealth();
            return h != null && h.path("pid").asLong() != oldPid;
        });
        return agentHealth().path("pid").asLong();
    }

    SteadySender send(int linesPerSecond) {
        SteadySender s = new SteadySender(dataDir, "app", linesPerSecond, 100);
        senders.add(s);
        return s;
    }

    /** The watchdog's own /health when it is the process {@code pid} (watchdog-listeners.json may be a dead one's). */
    JsonNode watchdogHealth(long pid) {
        try {
            String admin = JSON.readTree(dataDir.resolve("run/watchdog-listeners.json").toFile()).path("admin")
                    .asText(null);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            return n != null && n.path("pid").asLong() == pid ? n : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** An input's bound address from {@code run/listeners.json}, or null while not written. */
    String inputAddress(String id) {
        try {
            return JSON.readTree(dataDir.resolve("run/listeners.json").toFile()).path("inputs").path(id).asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** What {@code gapless status} prints now (its exit code is not asserted: the agent may be restarting). */
    String status() throws IOException, InterruptedException {
        Path log = dir.resolve("status-" + System.nanoTime() + ".log");
        GaplessProcess p = GaplessProcess.start(dataDir, log, Map.of(), "status", "--config", config.toString());
        if (!p.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            p.close();
            throw new AssertionError("gapless status did not finish within 30 s: " + p.logText());
        }
        return p.logText();
    }

    OptionalLong agentPid() {
        return AgentProcesses.pidFile(dataDir);
    }

    /** The agent's /health, or null when it does not answer within 1 s. */
    JsonNode agentHealth() {
        try {
            String admin = JSON.readTree(dataDir.resolve("run/listeners.json").toFile()).path("admin").asText(null);
            if (admin == null) {
                return null;
            }
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    JsonNode output() {
        JsonNode h = agentHealth();
        return h == null ? null : h.path("outputs").path(OUTPUT);
    }

    /** Waits until the agent answers with no backlog and the head the destination must reach; returns that head. */
    long awaitDrained(Duration timeout) {
        Await.until("the backlog drained", timeout, () -> {
            JsonNode o = output();
            return o != null && o.path("backlog_events").asLong() == 0;
        });
        return output().path("head_seq").asLong();
    }

    Path incidentsFile() {
        return dataDir.resolve("watchdog/incidents.jsonl");
    }

    List<JsonNode> incidents() {
        List<JsonNode> all = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(incidentsFile())) {
                if (!l.isBlank()) {
                    all.add(JSON.readTree(l));
                }
            }
        } catch (IOException e) {
            // not written yet
        }
        return all;
    }

    Optional<JsonNode> incident(Predicate<JsonNode> p) {
        return incidents().stream().filter(p).findFirst();
    }

    JsonNode awaitIncident(String what, Duration timeout, Predicate<JsonNode> p) {
        try {
            Await.until("incident " + what, timeout, () -> incident(p).isPresent());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; incidents: " + incidents() + "\nagent.out tail: "
                    + tail(agentOut(), 3000), e);
        }
        return incident(p).orElseThrow();
    }

    static Predicate<JsonNode> is(String decision, String cause) {
        return n -> decision.equals(n.path("decision").asText()) && cause.equals(n.path("cause").asText());
    }

    static Predicate<JsonNode> restarts() {
        return n -> n.path("decision").asText().endsWith("restart");
    }

    static Instant time(JsonNode incident) {
        return Instant.parse(incident.path("time").asText());
    }

    Path agentOut() {
        return dataDir.resolve("run/agent.out");
    }

    String agentOutText() {
        try {
            return Files.readString(agentOut());
        } catch (IOException e) {
            return "";
        }
    }

    /** When the agent logged that the output's upload wedged (the failpoint fired), or empty. */
    Optional<Instant> wedgedAt() {
        Matcher m = WEDGE_LOG.matcher(agentOutText());
        return m.find() ? Optional.of(OffsetDateTime.parse(m.group(1)).toInstant()) : Optional.empty();
    }

    static String tail(Path p, int chars) {
        try {
            String s = Files.readString(p);
            return s.substring(Math.max(0, s.length() - chars));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        for (SteadySender s : senders) {
            s.close();
        }
        for (GaplessProcess w : watchdogs) {
            w.close(); // SIGKILL to the watchdog and its descendants (the agent it started)
        }
        AgentProcesses.killAll(config, dataDir); // adopted or left-behind agents, found by config and pid file
        receiver.close();
        webhook.close();
        keepLogs();
    }

    /** Copies the logs and the incident journal to target/watchdog-it/&lt;folder&gt;: the temp folder is deleted. */
    private void keepLogs() throws IOException {
        Path keep = Path.of("target", "watchdog-it", dir.getFileName().toString());
        Files.createDirectories(keep);
        for (Path p : new Path[] {agentOut(), incidentsFile()}) {
            if (Files.exists(p)) {
                Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var logs = Files.list(dir)) {
            for (Path p : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("logs kept in " + keep.toAbsolutePath());
    }
}
