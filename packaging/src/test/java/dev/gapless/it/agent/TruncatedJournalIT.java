package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.LineSender;
import java.io.IOException;
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
 * The journal's newest data file cut in half while the agent was stopped with a backlog: what was past the cut is
 * gone, and the audit of what is delivered afterwards names every missing seq as declared, none reused.
 */
class TruncatedJournalIT {

    private static final int LINES = 30_000;

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
    void aHalvedJournalFileIsDeclaredLostAndNoSeqIsIssuedAgain() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // closed again: the destination is down for the first run
        }
        agent = start(writeConfig("""
                  - id: central
                    type: http
                    url: http://127.0.0.1:%d/ingest
                """.formatted(deadPort)), "agent-1.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), LINES, 80)) {
            s.join(60_000);
        }
        Await.until(LINES + " accepted", Duration.ofSeconds(60), () -> accepted() >= LINES);
        agent.stop(Duration.ofSeconds(20));
        agent = null;

        Path data = newestDataFile(dir.resolve("data/journal"));
        long written = lastNonZero(data) + 1;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.truncate(written / 2);
        }

        agent = start(writeConfig("""
                  - id: central
                    type: file
                    path: ./archive/events.ndjson
                """), "agent-2.log");
        try (LineSender s = new LineSender(agent.inputAddress("app"), 100, 80)) {
            s.join(30_000);
        }
        Await.until("the backlog delivered", Duration.ofSeconds(60),
                () -> accepted() >= 100 && backlog() == 0);
        agent.stop(Duration.ofSeconds(20));
        agent = null;

        Path table = dir.resolve("audit.txt");
        Process p = new ProcessBuilder(GaplessProcess.home().resolve("bin/gapless").toString(), "audit",
                dir.resolve("archive").toString()).redirectErrorStream(true).redirectOutput(table.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String report = Files.readString(table);
        System.out.println(report);
        assertThat(p.exitValue()).as(report).isEqualTo(2); // declared loss only
        assertThat(report).contains("DECLARED LOSS ONLY").containsPattern("undeclared\\s+none")
                .containsPattern("duplicates\\s+none");
    }

    private GaplessProcess start(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private long accepted() {
        JsonNode h = agent.health();
        return h == null ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }

    private long backlog() {
        JsonNode h = agent.health();
        return h == null ? Long.MAX_VALUE : h.path("outputs").path("central").path("backlog_events").asLong();
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

    private Path writeConfig(String output) throws IOException {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                heartbeat_interval: 1s
                journal:
                  durability: batch
                  max_size: 256MiB
                  min_free: 64MiB
                  segment_size: 64MiB
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
}
