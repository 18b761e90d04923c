package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/gapless} from the built distribution: the subcommands an operator and the systemd units use,
 * their exit codes, and that {@code agent} execs the JVM (systemd's main pid is the agent's).
 */
class LauncherIT {

    private static final Duration QUICK = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Process agent;

    @AfterEach
    void killAgent() throws InterruptedException {
        if (agent != null) {
            agent.descendants().forEach(ProcessHandle::destroyForcibly);
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void versionPrintsTheBuiltVersionAndExitsZero() throws Exception {
        Command.Result r = Command.run(QUICK, Artifacts.launcher().toString(), "--version");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("gapless " + Artifacts.version());
    }

    @Test
    void shippedDefaultConfigValidates() throws Exception {
        Command.Result r = Command.run(QUICK, Map.of("GAPLESS_DATA_DIR", dir.toString()),
                Artifacts.launcher().toString(), "validate", "--config",
                Artifacts.home().resolve("config/gapless.yaml").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).contains(": ok (1 input(s), 1 output(s))");
    }

    @Test
    void debPackagedConfigValidates() throws Exception {
        Command.Result r = Command.run(QUICK, Artifacts.launcher().toString(), "validate", "--config",
                Artifacts.sources().resolve("deb/gapless.yaml").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void brokenConfigExitsTwoWithEveryErrorAtLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, String.join("\n",
                "data_dir: " + dir.resolve("data"),
                "journal:",
                "  max_sise: 1GiB",
                "admin:",
                "  listen: 127.0.0.1:notaport",
                "inputs:",
                "  - id: app",
                "    type: tcp",
                "    listen: 127.0.0.1:0",
                "outputs:",
                "  - id: local",
                "    type: file",
                "    path: " + dir.resolve("out.ndjson"),
                ""));
        Command.Result r = Command.run(QUICK, Artifacts.launcher().toString(), "validate", "--config",
                bad.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        List<String> errors = Command.lines(r.stderr());
        assertThat(errors).as(r.output()).anySatisfy(l -> assertThat(l)
                .startsWith(bad + ":3:3: journal.max_sise:").contains("did you mean 'max_size'"));
        assertThat(errors).as(r.output()).anySatisfy(l -> assertThat(l).startsWith(bad + ":5:11: admin.listen:"));
        assertThat(errors).contains("2 errors");
    }

    @Test
    void unknownCommandExits64WithUsage() throws Exception {
        Command.Result r = Command.run(QUICK, Artifacts.launcher().toString(), "frobnicate");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.stderr()).contains("unknown command 'frobnicate'", "usage: gapless COMMAND");
    }

    @Test
    void findsItsHomeThroughARelativeSymlinkLikeUsrBinGapless() throws Exception {
        // The .deb's layout: /usr/bin/gapless -> ../share/gapless/bin/gapless.
        Path usr = dir.resolve("usr");
        Files.createDirectories(usr.resolve("bin"));
        Files.createDirectories(usr.resolve("share"));
        Files.createSymbolicLink(usr.resolve("share/gapless"), Artifacts.home());
        Files.createSymbolicLink(usr.resolve("bin/gapless"), Path.of("../share/gapless/bin/gapless"));
        Command.Result r = Command.run(QUICK, Map.of("GAPLESS_HOME", ""), usr.resolve("bin/gapless").toString(),
                "--version");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("gapless " + Artifacts.version());
    }

    @Test
    void missingJavaIsAClearErrorNotAStackOfShellNoise() throws Exception {
        Command.Result r = Command.run(QUICK, Map.of("JAVA_HOME", dir.resolve("no-such-jdk").toString()),
                Artifacts.launcher().toString(), "--version");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("gapless: no Java runtime", "JAVA_HOME");
    }

    @Test
    void agentExecsTheJvmSoTheLaunchersPidIsTheAgentsAndStopsOnSigterm() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, String.join("\n",
                "data_dir: " + data,
                "admin:",
                "  listen: 127.0.0.1:0",
                "inputs:",
                "  - id: app",
                "    type: tcp",
                "    listen: 127.0.0.1:0",
                "outputs:",
                "  - id: local",
                "    type: file",
                "    path: " + data.resolve("archive/events.ndjson"),
                ""));
        Path log = dir.resolve("agent.log");
        ProcessBuilder pb = new ProcessBuilder(Artifacts.launcher().toString(), "agent", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("GAPLESS_FAILPOINTS");
        agent = pb.start();

        Path pidFile = data.resolve("run/agent.pid");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank())) {
            assertThat(agent.isAlive()).as("agent running (log: %s)", log).isTrue();
            assertThat(System.nanoTime()).as("run/agent.pid written within 30 s (log: %s)", log).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(Long.parseLong(Files.readString(pidFile).strip())).as("run/agent.pid = the launcher's pid")
                .isEqualTo(agent.pid());
        assertThat(agent.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));

        agent.destroy(); // SIGTERM, as systemctl stop sends
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("stopped within TimeoutStopSec (log: %s)", log).isTrue();
        assertThat(agent.exitValue()).as("a JVM stopped by SIGTERM exits 143: SuccessExitStatus=143 in the unit")
                .isEqualTo(143);
        assertThat(Files.readString(log)).contains("gapless agent stopped");
    }
}
