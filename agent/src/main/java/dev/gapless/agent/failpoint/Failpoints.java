package dev.gapless.agent.failpoint;

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
 */
public final class Failpoints {

    public static final String ENV = "GAPLESS_FAILPOINTS";
    public static final String PROPERTY = "gapless.failpoints";
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
     * @throws IllegalArgumentException on an unknown failpoint: a typo must not pass for a test of nothing
     */
    public static Failpoints parse(String spec) {
        Map<String, Long> wedge = new HashMap<>();
        boolean hang = false;
        boolean dead = false;
        boolean heap = false;
        for (String raw : spec.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            if (item.startsWith("output.wedge=")) {
                String arg = raw.trim().substring("output.wedge=".length());
                int colon = arg.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("failpoint output.wedge needs <output_id>:<n>, got '" + raw + "'");
                }
                wedge.put(arg.substring(0, colon), Long.parseLong(arg.substring(colon + 1)));
            } else if (item.equals("admin.health_hang")) {
                hang = true;
            } else if (item.equals("agent.deadlock")) {
                dead = true;
            } else if (item.equals("agent.heap_exhaust")) {
                heap = true;
            } else {
                throw new IllegalArgumentException("unknown failpoint '" + raw.trim() + "'");
            }
        }
        Failpoints f = new Failpoints(Map.copyOf(wedge), hang, dead, heap);
        f.announce();
        return f;
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
