package dev.gapless.watchdog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.HostPort;
import dev.gapless.watchdog.RunFiles;
import dev.gapless.watchdog.incident.IncidentJournal;
import dev.gapless.watchdog.incident.IncidentJournalTest;
import dev.gapless.watchdog.supervisor.ThreadDumper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the watchdog creates under data_dir is owner-only whatever the umask (this JVM's is the build's,
 * typically 022, under which plain creation gives 0644 and 0755).
 */
class OwnerOnlyTest {

    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void runFilesThreadDumpsAndIncidentsAreOwnerOnlyAndSoIsTheDataDirTheyMake() throws Exception {
        Path data = dir.resolve("data");
        RunFiles run = new RunFiles(data);
        run.writeWatchdogPid();
        run.writeWatchdogListeners(new HostPort("127.0.0.1", 9681));
        new ThreadDumper(data.resolve("watchdog"), Duration.ofSeconds(5)).dump(ProcessHandle.current().pid(),
                Instant.parse("2026-12-01T00:00:00Z"));
        new IncidentJournal(data.resolve("watchdog/incidents.jsonl")).append(IncidentJournalTest.incident(0));

        List<String> loose = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                if (!mode(p).equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                    loose.add(dir.relativize(p) + " " + mode(p));
                }
            }
        }
        assertThat(loose).isEmpty();
        assertThat(data.resolve("run/watchdog-listeners.json")).exists();
        assertThat(Files.list(data.resolve("watchdog"))).anyMatch(p -> p.getFileName().toString()
                .startsWith("threaddump-"));
    }

    @Test
    void keepsTheModeOfWhatExists() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
        Path out = Files.createFile(shared.resolve("agent.out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));

        OwnerOnly.directories(shared);
        OwnerOnly.file(out);

        assertThat(mode(shared)).isEqualTo("rwxr-x---");
        assertThat(mode(out)).isEqualTo("rw-r-----");
    }
}
