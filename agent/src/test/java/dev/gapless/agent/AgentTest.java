package dev.gapless.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigLoader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AgentTest {

    @TempDir
    Path dir;

    private GaplessConfig config() throws Exception {
        return ConfigLoader.parse("""
                data_dir: ./data
                journal: { durability: fsync, max_size: 64MiB, min_free: 1MiB, segment_size: 4MiB }
                admin: { listen: 127.0.0.1:0 }
                inputs:
                  - { id: app, type: tcp, listen: 127.0.0.1:0 }
                outputs:
                  - { id: local, type: file, path: ./out/events.ndjson }
                """, "test.yaml", dir, Map.of());
    }

    @Test
    void secondAgentOnTheSameDataDirRefusesToStart() throws Exception {
        try (Agent first = new Agent(config(), Clock.systemUTC(), Failpoints.none())) {
            first.start();
            Agent second = new Agent(config(), Clock.systemUTC(), Failpoints.none());
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another agent is running on data_dir")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            second.close();
            assertThat(dir.resolve("data/run/agent.pid")).as("the second agent leaves the first one's run files")
                    .exists();
            assertThat(dir.resolve("data/run/listeners.json")).exists();
            assertThat(first.journal().append(TestBatches.of(dev.gapless.agent.event.Event.line("app", -1, 1,
                    "still mine".getBytes(StandardCharsets.UTF_8), 0))).appended())
                    .as("the first agent's journal is untouched").isTrue();
        }
    }

    @Test
    void writesRunFilesWithTightPermissionsAndDeliversALine() throws Exception {
        try (Agent agent = new Agent(config(), Clock.systemUTC(), Failpoints.none())) {
            agent.start();
            Path data = dir.resolve("data");
            String listeners = Files.readString(data.resolve("run/listeners.json"));
            assertThat(listeners).contains("\"admin\":\"127.0.0.1:").contains("\"app\":\"127.0.0.1:");
            assertThat(Files.readString(data.resolve("run/agent.pid")).trim())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("agent_id"))))
                    .isEqualTo("rw-------");

            String app = listeners.replaceAll(".*\"app\":\"([^\"]+)\".*\\s*", "$1");
            int colon = app.lastIndexOf(':');
            try (Socket s = new Socket(app.substring(0, colon), Integer.parseInt(app.substring(colon + 1)));
                 OutputStream out = s.getOutputStream()) {
                out.write("first\nsecond\n".getBytes(StandardCharsets.UTF_8));
            }
            Path events = dir.resolve("out/events.ndjson");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(Files.exists(events) && Files.readString(events).contains("\"message\":\"second\""))) {
                assertThat(System.nanoTime()).as("the line arrives within 10 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            String admin = agent.adminAddress();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + admin + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"accepted\" : 2");
            HttpResponse<String> other = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + admin + "/admin/shutdown"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as("the admin endpoint is read-only").isEqualTo(405);
        }
        assertThat(dir.resolve("data/run/agent.pid")).doesNotExist();
    }

    private final List<Logger> capturing = new ArrayList<>();

    @AfterEach
    void releaseLoggers() {
        for (Logger l : capturing) {
            l.detachAndStopAllAppenders();
            l.setLevel(null);
        }
    }

    /** What {@code of} logs from INFO up, for this test. */
    private ListAppender<ILoggingEvent> captureLogs(Class<?> of) {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(of);
        logger.setLevel(Level.INFO);
        logger.addAppender(logs);
        capturing.add(logger);
        return logs;
    }

    private static List<String> lines(ListAppender<ILoggingEvent> logs, Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private String startAndStop() throws Exception {
        try (Agent agent = new Agent(config(), Clock.systemUTC(), Failpoints.none())) {
            agent.start();
        }
        return Files.readString(dir.resolve("data/agent_id")).strip();
    }

    @Test
    void aDeletedAgentIdIsWrittenAgainFromTheLockFilesCopyWithAWarning() throws Exception {
        String first = startAndStop();
        Files.delete(dir.resolve("data/agent_id"));
        ListAppender<ILoggingEvent> logs = captureLogs(DataDir.class);

        assertThat(startAndStop()).as("the identity is kept").isEqualTo(first);
        assertThat(lines(logs, Level.WARN)).singleElement().asString().contains("agent_id was deleted")
                .contains("old id " + first + ", new id " + first);
    }

    @Test
    void anUnreadableAgentIdWithoutACopyIsReplacedWithAWarningNamingBothIds() throws Exception {
        startAndStop();
        Files.write(dir.resolve("data/agent_id"), new byte[] {'x', (byte) 0xFF, (byte) 0xFE, '\n'});
        Files.write(dir.resolve("data/agent.lock"), new byte[0]); // as left by a version that kept no copy
        ListAppender<ILoggingEvent> logs = captureLogs(DataDir.class);

        String replaced = startAndStop();

        assertThat(lines(logs, Level.WARN)).singleElement().asString().contains("does not hold a UUID")
                .contains("old id 'x??' (unreadable), new id " + replaced);
    }

    @Test
    void aFirstStartMakesItsAgentIdWithoutAWarning() throws Exception {
        ListAppender<ILoggingEvent> logs = captureLogs(DataDir.class);
        String id = startAndStop();

        assertThat(lines(logs, Level.WARN)).isEmpty();
        assertThat(lines(logs, Level.INFO)).singleElement().asString().startsWith("new agent_id " + id);
    }

    @Test
    void warnsOfADataDirEveryUserMayWriteIn() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        ListAppender<ILoggingEvent> logs = captureLogs(DataDir.class);

        startAndStop();

        assertThat(lines(logs, Level.WARN)).singleElement().asString().contains("is writable by every user")
                .contains("chmod 700 " + data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .as("an existing data_dir keeps the mode its operator gave it").isEqualTo("rwxrwxrwx");
    }

    @Test
    void everyFileAndDirectoryTheAgentCreatesIsOwnerOnly() throws Exception {
        try (Agent agent = new Agent(config(), Clock.systemUTC(), Failpoints.none())) {
            agent.start();
            agent.journal().append(TestBatches.of(dev.gapless.agent.event.Event.line("app", -1, 1,
                    "one".getBytes(StandardCharsets.UTF_8), 0)));
            Path events = dir.resolve("out/events.ndjson");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(Files.exists(events) && Files.readString(events).contains("\"message\":\"one\""))) {
                assertThat(System.nanoTime()).as("delivered within 10 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        List<String> loose = new ArrayList<>();
        for (Path root : List.of(dir.resolve("data"), dir.resolve("out"))) {
            try (Stream<Path> all = Files.walk(root)) {
                all.forEach(p -> {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".cq4") || name.endsWith(".cq4t")) {
                        return; // Chronicle's own files follow the umask: bin/gapless sets 077 (FileModesIT)
                    }
                    try {
                        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                        if (!mode.equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                            loose.add(dir.relativize(p) + " " + mode);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        assertThat(loose).isEmpty();
    }

    @Test
    void aStopDuringTheStartWaitsForItAndLogsNoError() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            Agent agent = new Agent(config(), Clock.systemUTC(), Failpoints.none());
            java.util.concurrent.CompletableFuture<Void> started = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        try {
                            agent.start();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            agent.close(); // as the shutdown hook does on a SIGTERM right after launch: before, during or after start
            started.get(30, java.util.concurrent.TimeUnit.SECONDS);
            agent.close();
        } finally {
            root.detachAppender(logs);
        }
        assertThat(lines(logs, Level.ERROR)).isEmpty();
        assertThat(dir.resolve("data/run/agent.pid")).as("nothing left running").doesNotExist();
    }
}
