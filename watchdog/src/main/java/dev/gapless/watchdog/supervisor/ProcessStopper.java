package dev.gapless.watchdog.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGTERM, wait stop_timeout, SIGKILL (or SIGKILL at once): the one way the watchdog stops a process. */
final class ProcessStopper {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessStopper.class);
    /** After SIGKILL the kernel frees the process at once; past this wait it is reported as unkillable. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessStopper() {
    }

    /** @return what happened, e.g. {@code "stopped by SIGTERM in 120ms"} */
    static String stop(ProcessHandle h, Stop how, Duration stopTimeout) {
        if (!h.isAlive()) {
            return "process " + h.pid() + " already gone";
        }
        // Snapshot the tree first: a wrapper killed by SIGKILL leaves its children to init.
        List<ProcessHandle> tree = new java.util.ArrayList<>(h.descendants().toList());
        long start = System.nanoTime();
        String result;
        if (how == Stop.KILL) {
            h.destroyForcibly();
            result = await(h, KILL_WAIT)
                    ? "killed by SIGKILL at once in " + elapsedMs(start) + "ms"
                    : "still alive " + KILL_WAIT.toSeconds() + "s after SIGKILL";
        } else if (terminate(h, stopTimeout)) {
            result = "stopped by SIGTERM in " + elapsedMs(start) + "ms";
        } else {
            LOG.warn("agent pid {} still running {}ms after SIGTERM: sending SIGKILL", h.pid(), stopTimeout.toMillis());
            tree.addAll(h.descendants().toList()); // children forked since the first snapshot
            h.destroyForcibly();
            result = await(h, KILL_WAIT)
                    ? "killed by SIGKILL after stop_timeout " + stopTimeout.toMillis() + "ms"
                    : "still alive " + KILL_WAIT.toSeconds() + "s after SIGKILL";
        }
        for (ProcessHandle d : tree) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
        return result;
    }

    /** SIGTERM; whether the process exited within {@code stopTimeout}. */
    private static boolean terminate(ProcessHandle h, Duration stopTimeout) {
        h.destroy();
        return await(h, stopTimeout);
    }

    private static boolean await(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        }
    }

    private static long elapsedMs(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
