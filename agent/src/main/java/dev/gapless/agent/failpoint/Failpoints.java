package dev.gapless.agent.failpoint;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for tests of the watchdog. Armed only by the environment variable
 * {@code GAPLESS_FAILPOINTS} or the system property {@code gapless.failpoints} — never by the YAML a user
 * writes — and every armed failpoint is logged at ERROR when the agent starts. Syntax: a comma-separated list
 * of {@code output.wedge=<output_id>:<n>}, {@code admin.health_hang}, {@code agent.deadlock},
 * {@code agent.heap_exhaust}.
 *
 * <p>Any failpoint may end with {@code :once=<file>}: it is armed only if {@code <file>} does not exist yet,
 * and arming creates it. A watchdog's child inherits the environment at every restart; with {@code once}
 * the first agent is faulted and the restarted one is not, so a test sees whether the restart repaired.
 */
public final class Failpoints {

    public static final String ENV = "GAPLESS_FAILPOINTS";
    public static final String PROPERTY = "gapless.failpoints";
    /** The suffix that arms a failpoint in the first start only: {@code :once=<marker file>}. */
    static final String ONCE = ":once=";
    private static final Logger log = LoggerFactory.getLogger(Failpoints.class);

    private static final Failpoints NONE = new Failpoints(Map.of(), false, false, false);

    private final Map<String, Long> wedgeAfter;
    private final boolean healthHang;
    private final boolean deadlock;
    private final boolean heapExhaust;

    private Failpoints(Map<String, Long> wedgeAfter, boolean healthHang, boolean deadlock, boolean heapExhaust) {
        this.wedgeAfter = wedgeAfter;
        this.healthHang = healthHang;
        this.deadlock = deadlock;
        this.heapExhaust = heapExhaust;
    }

    public static Failpoints none() {
        return NONE;
    }

    /** Reads the failpoints from the system property, else the environment. */
    public static Failpoints fromEnvironment() {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || spec.isBlank()) {
            spec = System.getenv(ENV);
        }
        return spec == null || spec.isBlank() ? NONE : parse(spec);
    }

    /**
     * Parses the spec and arms its failpoints; a {@code once} failpoint whose marker file exists is skipped
     * (logged at WARN), one whose marker is new is armed and its marker created.
     *
     * @throws IllegalArgumentException on an unknown failpoint, or a {@code once} marker that cannot be created:
     *                                  a typo must not pass for a test of nothing
     */
    public static Failpoints parse(String spec) {
        Map<String, Long> wedge = new HashMap<>();
        boolean hang = false;
        boolean dead = false;
        boolean heap = false;
        for (String entry : spec.split(",")) {
            String raw = entry.trim();
            int once = raw.toLowerCase(Locale.ROOT).indexOf(ONCE);
            if (once >= 0) {
                Path marker = Path.of(raw.substring(once + ONCE.length()));
                raw = raw.substring(0, once);
                if (!firstTime(marker)) {
                    log.warn("FAILPOINT NOT ARMED: {} already fired once (marker {} exists)", raw, marker);
                    continue;
                }
            }
            String item = raw.toLowerCase(Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            if (item.startsWith("output.wedge=")) {
                String arg = raw.substring("output.wedge=".length());
                int colon = arg.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(
                            "failpoint output.wedge needs <output_id>:<n>, got '" + raw + "'");
                }
                wedge.put(arg.substring(0, colon), Long.parseLong(arg.substring(colon + 1)));
            } else if (item.equals("admin.health_hang")) {
                hang = true;
            } else if (item.equals("agent.deadlock")) {
                dead = true;
            } else if (item.equals("agent.heap_exhaust")) {
                heap = true;
            } else {
                throw new IllegalArgumentException("unknown failpoint '" + raw + "'");
            }
        }
        Failpoints f = new Failpoints(Map.copyOf(wedge), hang, dead, heap);
        f.announce();
        return f;
    }

    /** Creates the marker; false when it already existed (the failpoint fired in an earlier start). */
    private static boolean firstTime(Path marker) {
        try {
            Files.createFile(marker);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalArgumentException("failpoint once-marker " + marker + " cannot be created: " + e, e);
        }
    }

    /** @return after how many delivered events the output's upload wedges, or -1 */
    public long wedgeAfter(String outputId) {
        return wedgeAfter.getOrDefault(outputId, -1L);
    }

    public boolean healthHang() {
        return healthHang;
    }

    public boolean deadlock() {
        return deadlock;
    }

    public boolean heapExhaust() {
        return heapExhaust;
    }

    public boolean any() {
        return !wedgeAfter.isEmpty() || healthHang || deadlock || heapExhaust;
    }

    private void announce() {
        wedgeAfter.forEach((id, n) -> log.error("FAILPOINT ARMED: output {} wedges after {} events", id, n));
        if (healthHang) {
            log.error("FAILPOINT ARMED: /health never answers");
        }
        if (deadlock) {
            log.error("FAILPOINT ARMED: agent threads deadlock");
        }
        if (heapExhaust) {
            log.error("FAILPOINT ARMED: the heap will be exhausted");
        }
    }

    /** Blocks the calling thread for good, ignoring interrupts: an injected wedge. */
    public static void wedgeForever() {
        Object never = new Object();
        while (true) {
            synchronized (never) {
                try {
                    never.wait();
                } catch (InterruptedException ignored) {
                    // a wedged thread does not answer interrupts
                }
            }
        }
    }
}
