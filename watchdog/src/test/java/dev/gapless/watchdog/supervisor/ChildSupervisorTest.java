package dev.gapless.watchdog.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.watchdog.Await;
import dev.gapless.watchdog.RunFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: every one is killed in teardown, with its descendants. */
class ChildSupervisorTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    final List<ChildSupervisor> supervisors = new ArrayList<>();
    final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killEverything() {
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
        supervisors.forEach(s -> s.pid().ifPresent(p -> ProcessHandle.of(p).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        })));
    }

    ChildSupervisor supervisor(List<String> cmd, Duration stopTimeout) {
        ChildSupervisor s = new ChildSupervisor(cmd, new RunFiles(dataDir), stopTimeout, pid -> false);
        supervisors.add(s);
        return s;
    }

    ProcessHandle handle(ChildSupervisor s) {
        ProcessHandle h = ProcessHandle.of(s.pid().getAsLong()).orElseThrow();
        started.add(h);
        return h;
    }

    @Test
    void startsANewAgentOnlyOnceTheGoingAgentLetGoOfTheLockAndClearsItsRunFiles() throws Exception {
        RunFiles run = new RunFiles(dataDir);
        Files.createDirectories(run.dir());
        Files.writeString(run.agentPidFile(), "999999999\n");
        Files.writeString(run.dir().resolve("listeners.json"), "{\"admin\":\"127.0.0.1:1\"}\n");
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(run.agentLock(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = ch.lock(); // the going agent (here: this JVM) still holds it
        long releasedAt;
        ChildSupervisor s = supervisor(List.of("sleep", "60"), Duration.ofSeconds(5));
        Thread starter = new Thread(() -> {
            try {
                s.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        starter.start();
        starter.join(300);
        assertThat(starter.isAlive()).as("still waiting while the lock is held").isTrue();
        assertThat(run.agentOut()).as("nothing started").doesNotExist();
        releasedAt = System.nanoTime();
        held.release();
        ch.close();
        starter.join(WAIT.toMillis());
        handle(s);
        assertThat(s.alive()).isTrue();
        assertThat(System.nanoTime()).isGreaterThan(releasedAt);
        assertThat(run.agentPidFile()).doesNotExist();
        assertThat(run.dir().resolve("listeners.json")).doesNotExist();
    }

    @Test
    void startsTheAgentWithItsOutputInAgentOut() throws Exception {
        ChildSupervisor s = supervisor(List.of("bash", "-c", "echo hello from agent; exec sleep 60"),
                Duration.ofSeconds(5));
        s.start();
        handle(s);
        assertThat(s.alive()).isTrue();
        Path out = new RunFiles(dataDir).agentOut();
        Await.until(WAIT, "agent.out has the child's output",
                () -> Files.exists(out) && readQuietly(out).contains("hello from agent"));
    }

    @Test
    void restartsAfterKillMinus9() throws Exception {
        ChildSupervisor s = supervisor(List.of("sleep", "60"), Duration.ofSeconds(5));
        s.start();
        ProcessHandle first = handle(s);
        new ProcessBuilder("kill", "-9", Long.toString(first.pid())).start().waitFor();
        Await.until(WAIT, "the child is dead", () -> !s.alive());
        String done = s.restart(Stop.GRACEFUL);
        ProcessHandle second = handle(s);
        assertThat(second.pid()).isNotEqualTo(first.pid());
        assertThat(s.alive()).isTrue();
        assertThat(done).contains("already gone").contains("started pid " + second.pid());
    }

    @Test
    void escalatesToSigkillWhenTheAgentIgnoresSigterm() throws Exception {
        Path ready = dataDir.resolve("trap-ready");
        ChildSupervisor s = supervisor(List.of("bash", "-c", "trap '' TERM; sleep 60 & touch " + ready
                + "; wait; sleep 60"),
                Duration.ofMillis(500));
        s.start();
        ProcessHandle first = handle(s);
        Await.until(WAIT, "the trap is set", () -> Files.exists(ready));
        List<ProcessHandle> children = first.descendants().toList();
        long t0 = System.nanoTime();
        String done = s.restart(Stop.GRACEFUL);
        handle(s);
        assertThat(done).contains("killed by SIGKILL after stop_timeout 500ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(first.isAlive()).isFalse();
        Await.until(WAIT, "the agent's children are gone too", () -> children.stream()
                .noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void stoppedAgentIsKilledAtOnceNotAfterStopTimeout() throws Exception {
        ChildSupervisor s = supervisor(List.of("sleep", "60"), Duration.ofSeconds(20));
        s.start();
        ProcessHandle first = handle(s);
        new ProcessBuilder("kill", "-STOP", Long.toString(first.pid())).start().waitFor();
        long t0 = System.nanoTime();
        String done = s.restart(Stop.KILL);
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        handle(s);
        assertThat(done).contains("killed by SIGKILL at once");
        assertThat(ms).as("no wait for a SIGTERM the stopped process cannot act on").isLessThan(5_000);
        assertThat(first.isAlive()).isFalse();
        assertThat(s.alive()).isTrue();
    }

    @Test
    void gracefulStopIsSigtermOnly() throws Exception {
        ChildSupervisor s = supervisor(List.of("sleep", "60"), Duration.ofSeconds(10));
        s.start();
        ProcessHandle h = handle(s);
        s.close();
        assertThat(h.isAlive()).isFalse();
        assertThat(s.alive()).isFalse();
    }

    @Test
    void childSeesEndOfInputWhenTheSupervisorClosesItsPipe() throws Exception {
        // `cat` exits at EOF on stdin, like an agent started with --exit-with-parent.
        ChildSupervisor s = supervisor(List.of("cat"), Duration.ofSeconds(10));
        s.start();
        ProcessHandle h = handle(s);
        assertThat(h.isAlive()).isTrue(); // the pipe is held open
        s.close();
        Await.until(WAIT, "cat exits on EOF", () -> !h.isAlive());
    }

    @Test
    void adoptsARunningAgentNamedByItsPidFile() throws Exception {
        Process orphan = new ProcessBuilder("sleep", "60").start();
        started.add(orphan.toHandle());
        Path pidFile = new RunFiles(dataDir).agentPidFile();
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, orphan.pid() + "\n");
        ChildSupervisor s = new ChildSupervisor(List.of("sleep", "60"), new RunFiles(dataDir), Duration.ofSeconds(5),
                pid -> pid == orphan.pid());
        supervisors.add(s);
        s.start();
        assertThat(s.adopted()).isTrue();
        assertThat(s.pid().getAsLong()).isEqualTo(orphan.pid());
        // Supervised by pid: a restart stops it and starts our own child.
        s.restart(Stop.GRACEFUL);
        handle(s);
        Await.until(WAIT, "the adopted agent is stopped", () -> !orphan.isAlive());
        assertThat(s.adopted()).isFalse();
    }

    @Test
    void startsANewAgentWhenThePidFileIsStale() throws Exception {
        Path pidFile = new RunFiles(dataDir).agentPidFile();
        Files.createDirectories(pidFile.getParent());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(pidFile, Long.toString(dead.pid()));
        ChildSupervisor s = supervisor(List.of("sleep", "60"), Duration.ofSeconds(5));
        s.start();
        handle(s);
        assertThat(s.adopted()).isFalse();
        assertThat(s.alive()).isTrue();
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static Optional<ProcessHandle> of(long pid) {
        return ProcessHandle.of(pid);
    }
}
