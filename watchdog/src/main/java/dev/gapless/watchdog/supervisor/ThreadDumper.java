package dev.gapless.watchdog.supervisor;

import dev.gapless.watchdog.internal.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the agent's threads before it is restarted, so a wedge can be understood afterwards:
 * {@code jcmd <pid> Thread.print} into {@code threaddump-<time>.txt} next to the incident journal;
 * without jcmd, {@code kill -3 <pid>} (the JVM prints the dump on its stdout: run/agent.out).
 */
public final class ThreadDumper {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadDumper.class);
    /**
     * A live JVM answers jcmd within a second or two (most of it jcmd's own start); one in a GC death spiral or
     * frozen never does (jcmd's own attach gives up after about 10 s). Past this the dump is abandoned, the file
     * says so, and the restart goes on: the dump must not hold the repair up.
     */
    public static final Duration JCMD_TIMEOUT = Duration.ofSeconds(5);
    /**
     * jcmd's own attach wait is the timeout less this (jcmd's start): jcmd then gives up by itself and removes the
     * {@code .attach_pid<pid>} file it made in the target's folder, which it leaves behind when killed.
     */
    static final Duration ATTACH_MARGIN = Duration.ofSeconds(2);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Duration timeout;

    public ThreadDumper(Path dir, Duration timeout) {
        this.dir = dir;
        this.timeout = timeout;
    }

    /** @return the dump file (which says what went wrong if the dump failed) */
    public Path dump(long pid, Instant at) throws IOException {
        OwnerOnly.directories(dir);
        Path file = OwnerOnly.file(dir.resolve("threaddump-" + STAMP.format(at) + ".txt"));
        Path jcmd = jcmd();
        long attachMs = Math.max(1000, timeout.minus(ATTACH_MARGIN).toMillis());
        List<String> cmd = jcmd != null
                ? List.of(jcmd.toString(), "-J-Dsun.tools.attach.attachTimeout=" + attachMs, Long.toString(pid),
                        "Thread.print")
                : List.of("kill", "-3", Long.toString(pid));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(file.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                Files.writeString(file, "\n[gapless-watchdog] " + cmd.get(0) + " gave no full dump within "
                        + timeout.toMillis() + "ms\n", java.nio.file.StandardOpenOption.APPEND);
            } else if (p.exitValue() != 0) {
                Files.writeString(file, "\n[gapless-watchdog] " + cmd.get(0) + " gave no full dump within "
                        + timeout.toMillis() + "ms (exit " + p.exitValue() + ")\n",
                                java.nio.file.StandardOpenOption.APPEND);
            } else if (jcmd == null) {
                Files.writeString(file, "[gapless-watchdog] jcmd not found: sent SIGQUIT to " + pid
                        + "; the dump is in run/agent.out\n", java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("thread dump of pid {} saved to {}", pid, file);
        return file;
    }

    private static Path jcmd() {
        Path home = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(home)) {
            return home;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path c = Path.of(d, "jcmd");
                if (Files.isExecutable(c)) {
                    return c;
                }
            }
        }
        return null;
    }
}
