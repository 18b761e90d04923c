package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.support.AgentProcesses;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.LineSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution under {@code umask 000}, the loosest a caller can pass on: {@code gapless run} makes
 * data_dir, and the watchdog and the agent fill it (run files, agent.out, the journal's Chronicle files,
 * cursors, incidents, the file output). Every file must be 0600 and every directory 0700.
 */
class FileModesIT {

    /** A start of the distribution on a loaded 2-core machine takes ~10 s; at this bound the test fails. */
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private Path config;
    private Path data;

    @AfterEach
    void killEverythingStarted() {
        if (config != null) {
            AgentProcesses.killAll(config, data);
        }
    }

    @Test
    void everyFileAndDirectoryIsOwnerOnlyUnderUmask000() throws Exception {
        data = dir.resolve("data");
        config = dir.resolve("gapless.yaml");
        Files.writeString(config, String.join("\n",
                "data_dir: ./data",
                "admin: {listen: \"127.0.0.1:0\"}",
                "inputs:",
                "  - {id: app, type: tcp, listen: \"127.0.0.1:0\"}",
                "outputs:",
                "  - {id: local, type: file, path: ./data/archive/events.ndjson}",
                "watchdog:",
                "  admin: {listen: \"127.0.0.1:0\"}",
                ""));
        Path log = dir.resolve("watchdog.log");
        Process watchdog = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" \"$@\"",
                Artifacts.launcher().toString(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        Await.until("the agent's input is bound (" + log + ")", START,
                () -> Files.exists(data.resolve("run/listeners.json")) && inputAddress() != null);
        try (LineSender sender = new LineSender(inputAddress(), 100, 64)) {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        }
        Path archive = data.resolve("archive/events.ndjson");
        Await.until("100 lines delivered", START, () -> lines(archive) >= 100);
        Await.until("the watchdog wrote its listeners", START,
                () -> Files.exists(data.resolve("run/watchdog-listeners.json")));

        List<String> loose = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                String mode = mode(p);
                if (!mode.equals("gone") && !mode.equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                    loose.add(dir.relativize(p) + " " + mode);
                }
            }
        }
        assertThat(loose).as("files and directories not owner-only").isEmpty();
        try (Stream<Path> journal = Files.walk(data.resolve("journal"))) {
            assertThat(journal.filter(p -> p.toString().endsWith(".cq4")).count())
                    .as("Chronicle's own files were among those checked").isPositive();
        }
        assertThat(data.resolve("run/agent.out")).exists();

        watchdog.destroy();
        assertThat(watchdog.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }

    private String inputAddress() {
        try {
            String json = Files.readString(data.resolve("run/listeners.json"));
            int at = json.indexOf("\"app\":\"");
            return at < 0 ? null : json.substring(at + 7, json.indexOf('"', at + 7));
        } catch (IOException e) {
            return null;
        }
    }

    private static long lines(Path file) {
        try (Stream<String> l = Files.lines(file)) {
            return l.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return "gone"; // a temp file renamed meanwhile
        }
    }
}
