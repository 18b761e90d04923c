package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.watchdog.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessStatusTest {

    private Process child;

    @AfterEach
    void kill() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void readsTheStateAfterTheLastParenthesisOfTheCommandName() {
        assertThat(ProcessStatus.state("4242 (java) S 1 4242 4242 0 -1")).isEqualTo('S');
        assertThat(ProcessStatus.state("4242 (a) (b) T 1 4242")).isEqualTo('T');
        assertThat(ProcessStatus.state("4242 (x y)) R 1")).isEqualTo('R');
        assertThat(ProcessStatus.state("garbage")).isEqualTo('?');
        assertThat(ProcessStatus.state("4242 (java)")).isEqualTo('?');
    }

    @Test
    void stoppedProcessIsStoppedUntilContinued() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        long pid = child.pid();
        assertThat(ProcessStatus.of(true, pid)).isEqualTo(ProcessStatus.RUNNING);
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        Await.until(Duration.ofSeconds(10), "state T", () -> ProcessStatus.of(true, pid) == ProcessStatus.STOPPED);
        new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        Await.until(Duration.ofSeconds(10), "running again",
                () -> ProcessStatus.of(true, pid) == ProcessStatus.RUNNING);
        assertThat(ProcessStatus.of(false, pid)).isEqualTo(ProcessStatus.GONE);
    }
}
