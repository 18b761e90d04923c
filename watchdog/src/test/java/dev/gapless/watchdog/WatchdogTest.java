package dev.gapless.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.AdminConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.WebhookAlertConfig;
import dev.gapless.watchdog.policy.Action;
import dev.gapless.watchdog.policy.Cause;
import dev.gapless.watchdog.policy.Decision;
import dev.gapless.watchdog.probe.ProcessStatus;
import dev.gapless.watchdog.supervisor.ChildSupervisor;
import dev.gapless.watchdog.supervisor.Stop;
import dev.gapless.watchdog.supervisor.Supervisor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole watchdog stepped with runOnce: a `sleep 60` child as the agent, a JDK HttpServer playing its
 * /health (answering with the child's pid), a webhook, and the watchdog's own admin listener.
 */
class WatchdogTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    HttpServer agentAdmin;
    HttpServer webhook;
    Watchdog watchdog;
    ChildSupervisor supervisor;
    final List<String> alerts = new CopyOnWriteArrayList<>();
    volatile boolean healthHangs;
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @AfterEach
    void tearDown() {
        if (watchdog != null) {
            watchdog.close(); // stops the child
        }
        if (supervisor != null) {
            supervisor.pid().ifPresent(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
        agentAdmin.stop(0);
        webhook.stop(0);
    }

    void startFakes() throws Exception {
        agentAdmin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agentAdmin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }));
        agentAdmin.createContext("/health", ex -> {
            if (healthHangs) {
                return; // never answers
            }
            long pid = supervisor.pid().orElse(-1);
            String body = "{\"contract\":1,\"status\":\"ok\",\"pid\":" + pid + ",\"agent_id\":\"agent-1\","
                    + "\"boot_id\":\"boot-" + pid + "\",\"now\":" + now.toEpochMilli() + ",\"uptime_ms\":1000,"
                    + "\"journal\":{\"head_seq\":0,\"durable_seq\":0,\"disk_bytes\":0,\"max_bytes\":1024,"
                    + "\"full\":false,\"full_reason\":null},\"inputs\":{},\"outputs\":{}}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        agentAdmin.start();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alert", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
    }

    /** What a real agent does once started (the watchdog clears a gone agent's run files before a start). */
    void agentWritesListeners() throws Exception {
        Path run = dataDir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("listeners.json"),
                "{\"admin\":\"127.0.0.1:" + agentAdmin.getAddress().getPort() + "\"}");
    }

    GaplessConfig config() {
        return config(Duration.ofMillis(300));
    }

    GaplessConfig config(Duration healthTimeout) {
        WatchdogConfig w = new WatchdogConfig(new AdminConfig(new HostPort("127.0.0.1", 0)),
                WatchdogConfig.Supervise.CHILD, WatchdogConfig.DEFAULT_SYSTEMD_UNIT, List.of("sleep", "60"),
                Duration.ofSeconds(1), healthTimeout, 2, Duration.ofSeconds(10), Duration.ofSeconds(5),
                new WatchdogConfig.RestartBudget(3, Duration.ofMinutes(10)), WatchdogConfig.DEFAULT_INCIDENTS,
                List.of(new WebhookAlertConfig(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/alert"),
                        Duration.ofSeconds(2), 3, Map.of())));
        return new GaplessConfig(dataDir, GaplessConfig.DEFAULT_HEARTBEAT_INTERVAL, JournalConfig.DEFAULT,
                AdminConfig.AGENT_DEFAULT, List.of(), List.of(), w);
    }

    void open() throws Exception {
        open(s -> s);
    }

    /** @param wrap what the watchdog gets in place of the child supervisor (a test's spy around it) */
    void open(java.util.function.UnaryOperator<Supervisor> wrap) throws Exception {
        startFakes();
        GaplessConfig c = config();
        supervisor = (ChildSupervisor) Main.supervisor(c, dataDir.resolve("gapless.yaml"), false, Map.of());
        watchdog = new Watchdog(c, wrap.apply(supervisor), clock);
        watchdog.open();
        agentWritesListeners();
    }

    List<Decision> step() {
        List<Decision> d = watchdog.runOnce();
        now = now.plusSeconds(1);
        return d;
    }

    String get(String path) throws Exception {
        HostPort a = watchdog.admin().address();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + a + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void restartsAKilledAgentAndRecordsIt() throws Exception {
        open();
        long first = supervisor.pid().getAsLong();
        assertThat(step()).isEmpty();
        new ProcessBuilder("kill", "-9", Long.toString(first)).start().waitFor();
        Await.until(WAIT, "the agent is dead", () -> !supervisor.alive());

        List<Decision> d = step();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.RESTART);
            assertThat(x.cause()).isEqualTo(Cause.CRASH);
        });
        long second = supervisor.pid().getAsLong();
        assertThat(second).isNotEqualTo(first);
        assertThat(supervisor.alive()).isTrue();
        agentWritesListeners();
        assertThat(step()).isEmpty(); // the new boot is ours: not counted twice

        Path incidents = dataDir.resolve("watchdog/incidents.jsonl");
        JsonNode n = new ObjectMapper().readTree(Files.readAllLines(incidents).get(0));
        assertThat(n.path("cause").asText()).isEqualTo("crash");
        assertThat(n.path("action_taken").asText()).contains("started pid " + second);
        assertThat(n.path("restart_count_in_window").asInt()).isEqualTo(1);
        Await.until(WAIT, "the webhook got the incident", () -> alerts.size() == 1);
        assertThat(alerts.get(0)).contains("\"cause\":\"crash\"");

        String metrics = get("/metrics/prometheus");
        assertThat(metrics).contains("gapless_watchdog_restarts_total 1.0")
                .contains("gapless_watchdog_decisions_crash_total 1.0")
                .contains("gapless_watchdog_probes_total 3.0");
        JsonNode health = new ObjectMapper().readTree(get("/health"));
        assertThat(health.path("agent_pid").asLong()).isEqualTo(second);
        assertThat(health.path("recent_decisions").get(0).path("cause").asText()).isEqualTo("crash");
    }

    @Test
    void dumpsThreadsAndRestartsAWedgedAgent() throws Exception {
        open();
        long first = supervisor.pid().getAsLong();
        assertThat(step()).isEmpty();
        healthHangs = true;
        assertThat(step()).isEmpty();
        List<Decision> d = step();
        assertThat(d).singleElement().extracting(Decision::cause).isEqualTo(Cause.WEDGED);
        assertThat(supervisor.pid().getAsLong()).isNotEqualTo(first);
        JsonNode n = new ObjectMapper().readTree(Files.readAllLines(dataDir.resolve("watchdog/incidents.jsonl"))
                .get(0));
        assertThat(n.path("decision").asText()).isEqualTo("thread_dump_and_restart");
        Path dump = Path.of(n.path("thread_dump").asText());
        assertThat(dump.getParent()).isEqualTo(dataDir.resolve("watchdog"));
        assertThat(dump).exists(); // jcmd on `sleep` fails, and the file says so
        assertThat(n.path("observations").path("health_timed_out").asBoolean()).isTrue();
    }

    @Test
    void frozenAgentIsKilledAtOnceWithoutADumpAndTheAlertGoesOutBeforeTheRestart() throws Exception {
        // The restart waits until the webhook has the alert: were the alert sent after the restart, this would fail.
        open(s -> new Supervisor() {
            @Override
            public void start() throws java.io.IOException {
                s.start();
            }

            @Override
            public boolean alive() {
                return s.alive();
            }

            @Override
            public java.util.OptionalLong pid() {
                return s.pid();
            }

            @Override
            public String restart(Stop how) throws java.io.IOException {
                Await.until(WAIT, "the webhook got the alert before the restart", () -> !alerts.isEmpty());
                return s.restart(how);
            }

            @Override
            public void close() {
                s.close();
            }
        });
        long first = supervisor.pid().getAsLong();
        assertThat(step()).isEmpty();
        new ProcessBuilder("kill", "-STOP", Long.toString(first)).start().waitFor();
        Await.until(WAIT, "the agent is stopped",
                () -> ProcessStatus.of(true, first) == ProcessStatus.STOPPED);
        assertThat(step()).isEmpty();
        List<Decision> d = step(); // unhealthy_probes = 2
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(Action.KILL_AND_RESTART);
            assertThat(x.cause()).isEqualTo(Cause.FROZEN);
        });
        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(supervisor.pid().getAsLong()).isNotEqualTo(first);
        JsonNode n = new ObjectMapper().readTree(Files.readAllLines(dataDir.resolve("watchdog/incidents.jsonl"))
                .get(0));
        assertThat(n.path("action_taken").asText()).startsWith("restart: killed by SIGKILL at once");
        assertThat(n.path("thread_dump").isNull()).isTrue();
        assertThat(alerts.get(0)).contains("\"cause\":\"frozen\"").contains("restart under way");
        String metrics = get("/metrics/prometheus");
        assertThat(metrics).contains("gapless_watchdog_thread_dumps_total 0.0")
                .contains("gapless_watchdog_decisions_frozen_total 1.0");
    }

    @Test
    void writesTheBoundAdminAddressWhenAskedForPortZero() throws Exception {
        open();
        String written = Files.readString(dataDir.resolve("run/watchdog-listeners.json"));
        assertThat(written).contains("127.0.0.1:" + watchdog.admin().address().port());
    }

    @Test
    void adoptsTheAgentAPreviousWatchdogStarted() throws Exception {
        open();
        long pid = supervisor.pid().getAsLong();
        Files.writeString(dataDir.resolve("run/agent.pid"), Long.toString(pid));
        // A second watchdog on the same data_dir (the first "died": we only drop it, its child lives on).
        // A generous health_timeout: a first HTTP exchange on a busy machine can take longer than the 300 ms the
        // stepped tests use, and adoption must not hinge on it.
        ChildSupervisor next = (ChildSupervisor) Main.supervisor(config(Duration.ofSeconds(10)),
                dataDir.resolve("gapless.yaml"), false, Map.of());
        next.start();
        assertThat(next.adopted()).isTrue();
        assertThat(next.pid().getAsLong()).isEqualTo(pid);
    }
}
