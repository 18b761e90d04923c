package dev.gapless.watchdog.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadDumperTest {

    private Process jvm;

    @AfterEach
    void kill() {
        if (jvm != null) {
            jvm.destroyForcibly(); // SIGKILL works on a stopped process too
        }
    }

    @Test
    void dumpsAJvmsThreadsNextToTheIncidents(@TempDir Path dir) throws Exception {
        Path file = new ThreadDumper(dir, Duration.ofSeconds(30)).dump(ProcessHandle.current().pid(),
                Instant.parse("2026-11-23T10:00:00.5Z"));
        assertThat(file.getFileName().toString()).isEqualTo("threaddump-20261123T100000.500Z.txt");
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(Files.readString(file)).contains("main");
    }

    @Test
    void dumpOfAJvmThatCannotAnswerIsAbandonedWithinJcmdTimeout(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Sleeper.class.getName())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo(Sleeper.READY); // blocks until the JVM is up (or fails at its exit)
        new ProcessBuilder("kill", "-STOP", Long.toString(jvm.pid())).start().waitFor();

        long t0 = System.nanoTime();
        Path file = new ThreadDumper(dir, ThreadDumper.JCMD_TIMEOUT).dump(jvm.pid(), Instant.now());
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.println("dump of a stopped JVM abandoned after " + ms + " ms");

        assertThat(ms).as("bounded by JCMD_TIMEOUT (%s), a few seconds", ThreadDumper.JCMD_TIMEOUT)
                .isLessThan(ThreadDumper.JCMD_TIMEOUT.plusSeconds(2).toMillis());
        assertThat(ThreadDumper.JCMD_TIMEOUT).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(Files.readString(file)).contains("gave no full dump within");
        assertThat(Path.of(".attach_pid" + jvm.pid())).as("jcmd cleaned up after itself").doesNotExist();
    }

    /** A JVM that says it is up, then idles: the target of a dump that cannot answer once stopped. */
    public static final class Sleeper {
        static final String READY = "sleeper ready";

        public static void main(String[] args) throws InterruptedException {
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
