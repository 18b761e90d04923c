package dev.gapless.watchdog.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.AdminConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.watchdog.incident.IncidentJournalTest;
import dev.gapless.watchdog.incident.Incident;
import dev.gapless.watchdog.incident.IncidentJournal;
import dev.gapless.watchdog.policy.Action;
import dev.gapless.watchdog.policy.Cause;
import dev.gapless.watchdog.policy.Decision;
import dev.gapless.watchdog.probe.HealthParserTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {

    @TempDir
    Path dataDir;
    HttpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    GaplessConfig config(int adminPort) {
        WatchdogConfig w = new WatchdogConfig(AdminConfig.WATCHDOG_DEFAULT, WatchdogConfig.Supervise.CHILD, "u",
                List.of("x"), Duration.ofSeconds(5), Duration.ofMillis(500), 3, Duration.ofSeconds(60),
                Duration.ofSeconds(20), WatchdogConfig.DEFAULT_RESTART_BUDGET, WatchdogConfig.DEFAULT_INCIDENTS,
                        List.of());
        return new GaplessConfig(dataDir, Duration.ofSeconds(30), JournalConfig.DEFAULT,
                new AdminConfig(new HostPort("127.0.0.1", adminPort)), List.of(), List.of(), w);
    }

    @Test
    void printsOutputsInputsAndRecentDecisions() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", ex -> {
            byte[] b = HealthParserTest.SAMPLE.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        new IncidentJournal(dataDir.resolve("watchdog/incidents.jsonl"))
                .append(IncidentJournalTest.incident(0));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new StatusCommand(config(server.getAddress().getPort()), new PrintStream(buf, true)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("pid 4242").contains("central").contains("1150").contains("50")
                .contains("app").contains("1100")
                .contains("uploader_wedged").contains("output central");
    }

    @Test
    void showsAlertsStillOpenSuchAsASlowDestination() throws Exception {
        IncidentJournal journal = new IncidentJournal(dataDir.resolve("watchdog/incidents.jsonl"));
        journal.append(alert(Action.ALERT, Cause.DESTINATION_SLOW, "central", 0));
        journal.append(alert(Action.ALERT, Cause.DESTINATION_DOWN, "backup", 1));
        journal.append(alert(Action.RESOLVED, Cause.DESTINATION_DOWN, "backup", 2));
        for (int i = 0; i < StatusCommand.RECENT; i++) {
            journal.append(IncidentJournalTest.incident(10 + i)); // pushes the alert out of the latest decisions
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new StatusCommand(config(closedPort()), new PrintStream(buf, true)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        String open = out.substring(out.indexOf("open alerts:"), out.indexOf("watchdog decisions"));
        assertThat(open).contains("destination_slow output central").contains("2026-11-23T10:00:00Z")
                .doesNotContain("destination_down");
    }

    static Incident alert(Action action, Cause cause, String output, int second) {
        return new Incident(Instant.parse("2026-11-23T10:00:00Z").plusSeconds(second),
                new Decision(action, cause, output, null, Map.of("in_flight_ms", 4000L), 0),
                action == Action.ALERT ? "alerted" : "resolved", 4242L, null);
    }

    static int closedPort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void saysSoWhenTheAgentDoesNotAnswer() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertThat(new StatusCommand(config(port), new PrintStream(buf, true)).run()).isEqualTo(1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("NOT ANSWERING").contains("watchdog decisions: none");
    }
}
