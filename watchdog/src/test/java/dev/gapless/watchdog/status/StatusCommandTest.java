package dev.gapless.watchdog.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.AdminConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.watchdog.incident.IncidentJournalTest;
import dev.gapless.watchdog.incident.IncidentJournal;
import dev.gapless.watchdog.probe.HealthParserTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
                Duration.ofSeconds(20), WatchdogConfig.DEFAULT_RESTART_BUDGET, WatchdogConfig.DEFAULT_INCIDENTS, List.of());
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
