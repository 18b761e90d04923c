package dev.gapless.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties an agent started by a watchdog ({@code --exit-with-parent}) to its supervisor, so a dead watchdog
 * never leaves an agent nobody watches, and a restarted watchdog never finds two. When standard input reaches
 * end-of-file (the watchdog is gone) the agent keeps shipping for a grace period, waiting to be adopted: a
 * live process named by {@code <data_dir>/run/watchdog.pid}, other than the parent that died, is the new
 * supervisor, and the agent then follows that process instead. With no adopter by the end of the grace, the
 * agent stops gracefully. Runs on its own daemon thread.
 */
final class ParentWatch {

    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);
    /** How often watchdog.pid is read while waiting to be adopted. */
    private static final long POLL_MS = 200;

    private final Path watchdogPidFile;
    private final Duration grace;
    private final Runnable exit;

    ParentWatch(Path dataDir, Duration grace, Runnable exit) {
        this.watchdogPidFile = dataDir.resolve("run").resolve("watchdog.pid");
        this.grace = grace;
        this.exit = exit;
    }

    void start(InputStream stdin) {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Thread t = new Thread(() -> run(stdin, parent), "gapless-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private void run(InputStream stdin, long deadParent) {
        drainUntilEof(stdin);
        long gone = deadParent;
        while (true) {
            log.warn("the supervising watchdog (pid {}) is gone; shipping on for up to {} s while waiting to be "
                    + "adopted",
                    gone, grace.toSeconds());
            Optional<ProcessHandle> adopter = awaitAdopter(gone);
            if (adopter.isEmpty()) {
                log.warn("no watchdog adopted this agent within {} s; stopping", grace.toSeconds());
                exit.run();
                return;
            }
            ProcessHandle w = adopter.get();
            log.info("adopted by the watchdog pid {}", w.pid());
            w.onExit().join();
            gone = w.pid();
        }
    }

    /** A live watchdog other than {@code gone} named in watchdog.pid within the grace, if any. */
    Optional<ProcessHandle> awaitAdopter(long gone) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> w = named().filter(p -> p.pid() != gone && p.isAlive());
            if (w.isPresent()) {
                return w;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Optional<ProcessHandle> named() {
        try {
            String s = Files.readString(watchdogPidFile).trim();
            return ProcessHandle.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void drainUntilEof(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // anything the parent writes is ignored; only EOF matters
            }
        } catch (IOException ignored) {
            // a broken pipe means the parent is gone too
        }
    }
}
