package dev.gapless.agent;

import dev.gapless.agent.failpoint.Failpoints;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the process-wide failpoints (deadlock, heap exhaustion) when armed; see {@link Failpoints}. */
final class FaultInjection {

    private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);

    private FaultInjection() {
    }

    static void start(Failpoints f) {
        if (f.deadlock()) {
            Object a = new Object();
            Object b = new Object();
            daemon("gapless-failpoint-deadlock-1", () -> lockBoth(a, b));
            daemon("gapless-failpoint-deadlock-2", () -> lockBoth(b, a));
        }
        if (f.heapExhaust()) {
            daemon("gapless-failpoint-heap", () -> {
                List<long[]> hog = new ArrayList<>();
                log.error("FAILPOINT: exhausting the heap");
                while (true) {
                    hog.add(new long[1 << 16]);
                }
            });
        }
    }

    private static void lockBoth(Object first, Object second) {
        synchronized (first) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // the deadlock comes anyway
            }
            synchronized (second) {
                log.error("FAILPOINT: the deadlock did not happen");
            }
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
