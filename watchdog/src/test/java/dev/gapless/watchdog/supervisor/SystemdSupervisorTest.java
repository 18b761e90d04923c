package dev.gapless.watchdog.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.watchdog.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdSupervisorTest {

    @TempDir
    Path dir;

    Path fakeSystemctl(int exit) throws IOException {
        Path script = dir.resolve("systemctl");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls") + "\necho said-something\nexit "
                + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void restartsTheUnitWithSystemctl() throws Exception {
        SystemdSupervisor s = new SystemdSupervisor(List.of(fakeSystemctl(0).toString()), "gapless-agent.service",
                new RunFiles(dir), Duration.ofSeconds(5));
        assertThat(s.restart(Stop.GRACEFUL)).contains("restart gapless-agent.service exited 0");
        assertThat(Files.readString(dir.resolve("calls"))).isEqualTo("restart gapless-agent.service\n");
    }

    @Test
    void aStoppedAgentIsKilledAtOnceBeforeSystemctlRestart() throws Exception {
        Process agent = new ProcessBuilder("sleep", "60").start();
        try {
            RunFiles run = new RunFiles(dir);
            Files.createDirectories(run.dir());
            Files.writeString(run.agentPidFile(), Long.toString(agent.pid()));
            new ProcessBuilder("kill", "-STOP", Long.toString(agent.pid())).start().waitFor();
            SystemdSupervisor s = new SystemdSupervisor(List.of(fakeSystemctl(0).toString()), "gapless-agent.service",
                    run, Duration.ofSeconds(20));
            long t0 = System.nanoTime();
            assertThat(s.restart(Stop.KILL)).contains("killed by SIGKILL at once")
                    .contains("restart gapless-agent.service exited 0");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(agent.isAlive()).isFalse();
            // polkit lets the watchdog restart the unit, nothing else: the kill is the watchdog's own signal.
            assertThat(Files.readString(dir.resolve("calls"))).isEqualTo("restart gapless-agent.service\n");
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void aFailedSystemctlIsReportedWithWhatItSaid() throws Exception {
        SystemdSupervisor s = new SystemdSupervisor(List.of(fakeSystemctl(3).toString()), "u.service",
                new RunFiles(dir), Duration.ofSeconds(5));
        assertThatThrownBy(() -> s.restart(Stop.GRACEFUL)).isInstanceOf(IOException.class)
                .hasMessageContaining("exited 3")
                .hasMessageContaining("said-something");
    }

    @Test
    void livenessComesFromThePidFile() throws Exception {
        RunFiles run = new RunFiles(dir);
        SystemdSupervisor s = new SystemdSupervisor(List.of("systemctl"), "u", run, Duration.ofSeconds(5));
        assertThat(s.alive()).isFalse();
        Files.createDirectories(run.dir());
        Files.writeString(run.agentPidFile(), Long.toString(ProcessHandle.current().pid()));
        assertThat(s.alive()).isTrue();
        assertThat(s.pid().getAsLong()).isEqualTo(ProcessHandle.current().pid());
    }
}
