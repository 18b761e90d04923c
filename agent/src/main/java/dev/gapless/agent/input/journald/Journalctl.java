package dev.gapless.agent.input.journald;

import dev.gapless.config.input.journald.JournaldInputConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of journalctl as a child: its command line, its stdout for the reader, its stderr drained by a thread of
 * its own into a bounded tail ({@link #STDERR_TAIL} bytes, older bytes dropped) for the log when it exits, and its
 * end: {@link #stop()} asks it to terminate, then kills it after {@link #STOP_GRACE_MS}. journalctl (systemd 252)
 * also exits by itself when its stdout is closed, so a killed agent leaves none behind.
 */
final class Journalctl implements AutoCloseable {

    /** The last bytes of stderr kept for the log; older ones are dropped. */
    static final int STDERR_TAIL = 4096;
    /** How long a child asked to terminate has before it is killed. */
    static final long STOP_GRACE_MS = 2000;

    private final Process process;
    private final Thread stderrThread;
    private final byte[] tail = new byte[STDERR_TAIL];
    // Guarded by tail.
    private int tailLength;

    private Journalctl(Process process, String input) {
        this.process = process;
        this.stderrThread = new Thread(this::drainStderr, "gapless-input-" + input + "-journalctl-stderr");
        this.stderrThread.setDaemon(true);
        this.stderrThread.start();
    }

    /** Starts {@code command}, its stdin empty. */
    static Journalctl start(List<String> command, String input) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("SYSTEMD_PAGER", "cat");
        pb.environment().put("SYSTEMD_COLORS", "0");
        return new Journalctl(pb.start(), input);
    }

    /** The follow command: after {@code cursor}, or from the journal's beginning when it is null. */
    static List<String> followCommand(JournaldInputConfig config, String cursor) {
        List<String> c = base(config);
        c.add("--follow");
        c.add("--no-tail"); // with --follow alone, journalctl begins 10 entries before the end
        if (cursor != null) {
            c.add("--after-cursor=" + cursor);
        }
        for (String unit : config.units()) {
            c.add("--unit=" + unit);
        }
        for (String identifier : config.identifiers()) {
            c.add("--identifier=" + identifier);
        }
        config.priority().ifPresent(p -> c.add("--priority=" + p));
        return c;
    }

    /** The command that prints the journal's last entry (whatever the filters), for its cursor. */
    static List<String> lastEntryCommand(JournaldInputConfig config) {
        List<String> c = base(config);
        c.add("--lines=1");
        return c;
    }

    private static List<String> base(JournaldInputConfig config) {
        List<String> c = new ArrayList<>();
        c.add(config.journalctl());
        c.add("--output=export");
        c.add("--no-pager");
        config.directory().ifPresent(d -> c.add("--directory=" + d));
        return c;
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    long pid() {
        return process.pid();
    }

    /** Waits up to {@code ms} for it to exit. @return its exit code, or null if it still runs */
    Integer awaitExit(long ms) throws InterruptedException {
        return process.waitFor(ms, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** The last bytes it wrote to stderr, as text, once stderr is closed (bounded wait). */
    String stderrTail() throws InterruptedException {
        stderrThread.join(1000);
        synchronized (tail) {
            return new String(tail, 0, tailLength, StandardCharsets.UTF_8).strip();
        }
    }

    private void drainStderr() {
        byte[] chunk = new byte[1024];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(chunk)) > 0) {
                synchronized (tail) {
                    if (n >= STDERR_TAIL) {
                        System.arraycopy(chunk, n - STDERR_TAIL, tail, 0, STDERR_TAIL);
                        tailLength = STDERR_TAIL;
                    } else {
                        int keep = Math.min(tailLength, STDERR_TAIL - n);
                        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                        System.arraycopy(chunk, 0, tail, keep, n);
                        tailLength = keep + n;
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone: what its stderr held is in the tail
        }
    }

    /** Terminates it: SIGTERM, then SIGKILL after {@link #STOP_GRACE_MS}. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // closing a pipe of a dead child
        }
    }
}
