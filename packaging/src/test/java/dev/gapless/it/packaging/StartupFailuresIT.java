package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.support.AgentProcesses;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.LineSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up failures of the distribution say in one line which file and what is wrong, exit non-zero, and
 * print no stack trace; a graceful stop, even right after the start, logs no ERROR.
 */
class StartupFailuresIT {

    /** A failing start prints and exits within a few seconds; at this bound the test fails. */
    private static final Duration QUICK = Duration.ofSeconds(60);
    /** A start of the distribution on a loaded 2-core machine takes ~10 s; at this bound the test fails. */
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private Path config;

    @AfterEach
    void killEverythingStarted() {
        if (config != null) {
            AgentProcesses.killAll(config, dir.resolve("data"));
        }
    }

    private Path config(String dataDir) throws Exception {
        config = dir.resolve("gapless.yaml");
        Files.writeString(config, String.join("\n",
                "data_dir: " + dataDir,
                "admin: {listen: \"127.0.0.1:0\"}",
                "inputs:",
                "  - {id: app, type: tcp, listen: \"127.0.0.1:0\"}",
                "outputs:",
                "  - {id: local, type: file, path: ./archive/events.ndjson}",
                "watchdog:",
                "  admin: {listen: \"127.0.0.1:0\"}",
                ""));
        return config;
    }

    private static Command.Result gapless(String command, Path config) throws Exception {
        return Command.run(QUICK, Artifacts.launcher().toString(), command, "--config", config.toString());
    }

    /** The output holds exactly one non-empty line, containing every {@code part}, and no stack trace. */
    private static void oneLine(Command.Result r, String... parts) {
        List<String> lines = Command.lines(r.stdout() + r.stderr()).stream().filter(l -> !l.isBlank())
                .filter(l -> !l.contains(" INFO ")).toList();
        assertThat(r.output()).doesNotContain("\tat ").doesNotContain("Input length");
        assertThat(lines).as(r.output()).hasSize(1);
        assertThat(lines.get(0)).contains(parts);
    }

    @Test
    void aConfigThatIsNotUtf8IsOneLocatedLine() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.write(bad, new byte[] {'d', 'a', 't', 'a', '_', 'd', 'i', 'r', ':', ' ', 'x', (byte) 0xFF, '\n'});

        Command.Result agent = gapless("agent", bad);
        Command.Result validate = gapless("validate", bad);

        assertThat(agent.exitCode()).isEqualTo(2);
        assertThat(validate.exitCode()).isEqualTo(2);
        for (Command.Result r : List.of(agent, validate)) {
            List<String> lines = Command.lines(r.stderr());
            assertThat(lines).first().asString().isEqualTo(bad + ":1:12: the config is not valid UTF-8:"
                    + " byte 0xFF cannot start or continue a character");
            assertThat(r.output()).doesNotContain("\tat ").doesNotContain(":0:0");
        }
    }

    @Test
    void aConfigThatCannotBeReadIsOneLine() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("config.yaml"));

        Command.Result agent = gapless("agent", directory);
        Command.Result run = gapless("run", directory);

        assertThat(agent.exitCode()).isEqualTo(2);
        assertThat(Command.lines(agent.stderr())).first().asString()
                .isEqualTo(directory + ": cannot read the config: is a directory");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains(directory + ": cannot read the config: is a directory")
                .doesNotContain("\tat ");
    }

    @Test
    void aDataDirThatIsAFileIsOneLineNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory\n");
        config(file.toString());

        Command.Result agent = gapless("agent", config);
        Command.Result run = gapless("run", config);

        assertThat(agent.exitCode()).isEqualTo(1);
        oneLine(agent, "agent failed to start: " + file + ": exists and is not a directory");
        assertThat(run.exitCode()).isEqualTo(1);
        oneLine(run, "gapless watchdog: " + file.resolve("run") + ": not a directory");
    }

    @Test
    void anAgentIdThatIsNotUtf8IsReplacedWithAWarningNotAStackTrace() throws Exception {
        config("./data");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.write(data.resolve("agent_id"), new byte[] {(byte) 0xFF, (byte) 0xFE, '\n'});
        Path log = dir.resolve("agent.log");
        Process agent = new ProcessBuilder(Artifacts.launcher().toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        Await.until("the agent started (" + log + ")", START, () -> read(log).contains(" started: agent_id "));
        agent.destroy();
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String text = read(log);
        String id = Files.readString(data.resolve("agent_id")).strip();
        assertThat(text).contains("WARN").contains("does not hold a UUID").contains("new id " + id)
                .doesNotContain("ERROR").doesNotContain("\tat ");
    }

    @Test
    void aGracefulStopRightAfterTheStartAndAfterTrafficLogsNoError() throws Exception {
        config("./data");
        Path data = dir.resolve("data");
        for (int round = 0; round < 2; round++) {
            Path log = dir.resolve("agent-" + round + ".log");
            Process agent = new ProcessBuilder(Artifacts.launcher().toString(), "agent", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (round == 0) {
                // SIGTERM in the middle of the start: the journal is open, the inputs not yet bound
                Await.until("the journal opened (" + log + ")", START, () -> read(log).contains("journal open"));
            } else {
                Await.until("the agent started (" + log + ")", START, () -> read(log).contains(" started: "));
                String listeners = Files.readString(data.resolve("run/listeners.json"));
                int at = listeners.indexOf("\"app\":\"") + 7;
                try (LineSender sender = new LineSender(listeners.substring(at, listeners.indexOf('"', at)),
                        200_000, 100)) {
                    Await.until("deliveries under way", START,
                            () -> Files.exists(dir.resolve("archive/events.ndjson")));
                    agent.destroy(); // while lines arrive and the output writes its cursor
                    sender.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            agent.destroy();
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            String text = read(log);
            assertThat(text).as(log.toString()).contains("gapless agent stopped").doesNotContain("ERROR")
                    .doesNotContain("\tat ");
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "";
        }
    }
}
