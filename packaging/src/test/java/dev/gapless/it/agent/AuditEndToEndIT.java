package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.LineSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third promise, end to end: the agent writes through its file output, {@code gapless audit} reads what
 * was delivered and proves it complete — also across a {@code kill -9} and restart, where duplicates are
 * allowed and reported, and across a journal file cut short, whose lost records are declared.
 */
class AuditEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARCHIVE = """
              - id: local
                type: file
                path: ./archive/events.ndjson
                roll_size: 2MiB
                max_files: 1000
            """;

    @TempDir
    Path dir;
    private GaplessProcess agent;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void auditSaysCompleteForAStreamTheAgentDelivered() throws Exception {
        Path config = writeConfig();
        agent = start(config, "agent.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 20_000, 80)) {
            s.join(30_000);
        }
        Await.until("20,000 delivered", Duration.ofSeconds(30), () -> delivered() >= 20_000);
        agent.stop(Duration.ofSeconds(20));
        agent = null;

        Audit a = audit(dir.resolve("archive"));
        assertThat(a.exit).as(a.output).isZero();
        JsonNode agentReport = a.json.path("agents").get(0);
        assertThat(agentReport.toString()).contains("\"undeclared\"");
        assertThat(a.output).contains("COMPLETE");
    }

    @Test
    void auditSaysCompleteAcrossAKill9AndRestartReportingDuplicates() throws Exception {
        Path config = writeConfig();
        agent = start(config, "agent-1.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 200_000, 80)) {
            Await.until("30,000 accepted", Duration.ofSeconds(60), () -> accepted() >= 30_000);
            agent.kill9();
        }
        agent = start(config, "agent-2.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 5_000, 80)) {
            s.join(30_000);
        }
        Await.until("backlog drained", Duration.ofSeconds(60), () -> backlog() == 0 && accepted() >= 5_000);
        agent.stop(Duration.ofSeconds(20));
        agent = null;

        Audit a = audit(dir.resolve("archive"));
        assertThat(a.exit).as(a.output).isZero();
        assertThat(a.output).contains("COMPLETE");
        assertThat(a.output).contains("boots           2");
    }

    @Test
    void aJournalFileCutInHalfIsDeclaredLostAndNoSeqIsIssuedAgain() throws Exception {
        // The newest journal file halved while the agent was stopped with 30,000 events undelivered: what was past
        // the cut is gone, and the audit names every missing seq as declared, none reused.
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // closed again: the destination is down for the first run
        }
        agent = start(writeConfig("""
                  - id: local
                    type: http
                    url: http://127.0.0.1:%d/ingest
                """.formatted(deadPort)), "agent-1.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 30_000, 80)) {
            s.join(60_000);
        }
        Await.until("30,000 accepted", Duration.ofSeconds(60), () -> accepted() >= 30_000);
        agent.stop(Duration.ofSeconds(20));
        agent = null;
        Path data = newestDataFile(dir.resolve("data/journal"));
        long written = lastNonZero(data) + 1;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.truncate(written / 2);
        }

        agent = start(writeConfig(), "agent-2.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 100, 80)) {
            s.join(30_000);
        }
        Await.until("the backlog delivered", Duration.ofSeconds(60), () -> accepted() >= 100 && backlog() == 0);
        agent.stop(Duration.ofSeconds(20));
        agent = null;

        Audit a = audit(dir.resolve("archive"));
        assertThat(a.exit).as(a.output).isEqualTo(2); // declared loss only
        assertThat(a.output).contains("DECLARED LOSS ONLY").containsPattern("undeclared\\s+none")
                .containsPattern("duplicates\\s+none");
    }

    private record Audit(int exit, String output, JsonNode json) {
    }

    private Audit audit(Path path) throws Exception {
        Path table = dir.resolve("audit.txt");
        Path json = dir.resolve("audit.json");
        Process p = new ProcessBuilder(GaplessProcess.home().resolve("bin/gapless").toString(), "audit",
                path.toString())
                .redirectErrorStream(true).redirectOutput(table.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Process pj = new ProcessBuilder(GaplessProcess.home().resolve("bin/gapless").toString(), "audit", "--json",
                path.toString()).redirectOutput(json.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(pj.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(table);
        System.out.println(out);
        return new Audit(p.exitValue(), out, JSON.readTree(json.toFile()));
    }

    private GaplessProcess start(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private long accepted() {
        JsonNode h = agent.health();
        return h == null ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }

    private long delivered() {
        JsonNode h = agent.health();
        return h == null ? 0 : h.path("outputs").path("local").path("acked_seq").asLong();
    }

    private long backlog() {
        JsonNode h = agent.health();
        return h == null ? Long.MAX_VALUE : h.path("outputs").path("local").path("backlog_events").asLong();
    }

    private Path writeConfig(String output) throws Exception {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                heartbeat_interval: 1s
                journal:
                  durability: batch
                  max_size: 256MiB
                  min_free: 64MiB
                  segment_size: 8MiB
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: app
                    type: tcp
                    listen: 127.0.0.1:0
                outputs:
                """ + output);
        return config;
    }

    private Path writeConfig() throws Exception {
        return writeConfig(ARCHIVE);
    }

    private static Path newestDataFile(Path journal) throws IOException {
        try (Stream<Path> files = Files.walk(journal)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4"))
                    .max(Comparator.comparing(Path::toString)).orElseThrow();
        }
    }

    private static long lastNonZero(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != 0) {
                return i;
            }
        }
        return -1;
    }
}
