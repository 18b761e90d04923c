package dev.gapless.watchdog.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadDumperTest {

    @Test
    void dumpsAJvmsThreadsNextToTheIncidents(@TempDir Path dir) throws Exception {
        Path file = new ThreadDumper(dir, Duration.ofSeconds(30)).dump(ProcessHandle.current().pid(),
                Instant.parse("2026-11-23T10:00:00.5Z"));
        assertThat(file.getFileName().toString()).isEqualTo("threaddump-20261123T100000.500Z.txt");
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(Files.readString(file)).contains("main");
    }
}
