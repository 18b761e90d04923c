package dev.gapless.it.watchdog;

import dev.gapless.config.WatchdogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench/watchdog-bench.sh}: replays scenario 1 (wedged upload → restart) and scenario 2 (destination down
 * longer than stall_timeout → alert, no restart) with the built distribution, for each stall_timeout given, the
 * other watchdog settings at their defaults ({@link WatchdogConfig}), and prints time-to-detect, time-to-repair,
 * events lost and duplicated.
 *
 * <p>Usage: {@code WatchdogBench STALL_TIMEOUT...} (YAML durations, e.g. {@code 5s 60s}); needs the system
 * property {@code gapless.home}.
 */
public final class WatchdogBench {

    private WatchdogBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> stalls = args.length == 0 ? List.of("5s", "60s") : List.of(args);
        List<Scenarios.Figures> all = new ArrayList<>();
        for (String stall : stalls) {
            WatchdogRig.Settings s = defaultsWith(stall);
            System.out.printf("== stall_timeout %s (probe_interval %s, unhealthy_probes %d, health_timeout %s,"
                    + " stop_timeout %s)%n", stall, s.probeInterval(), s.unhealthyProbes(), s.healthTimeout(),
                    s.stopTimeout());
            all.add(run(s, "wedge"));
            all.add(run(s, "down"));
        }
        System.out.println();
        System.out.println(
                "time-to-detect: wedge (agent's log) or outage → the watchdog's decision (incident journal)");
        System.out.println("time-to-repair: wedge → the first batch accepted after the restart; outage: destination"
                + " back → the first batch accepted");
        System.out.println("lost: seqs up to the journal head never delivered; duplicated: extra copies delivered");
        all.forEach(System.out::println);
    }

    private static Scenarios.Figures run(WatchdogRig.Settings s, String scenario) throws Exception {
        Path dir = Files.createTempDirectory("gapless-watchdog-bench");
        try (WatchdogRig rig = new WatchdogRig(dir, s)) {
            Scenarios.Figures f = scenario.equals("wedge")
                    ? Scenarios.wedgedUpload(rig, "watchdog", 3000)
                    : Scenarios.destinationOutage(rig, Scenarios.Outage.DOWN);
            System.out.println(f);
            return f;
        }
    }

    /** The watchdog's defaults, but this stall_timeout. */
    static WatchdogRig.Settings defaultsWith(String stall) {
        return new WatchdogRig.Settings(ms(WatchdogConfig.DEFAULT_PROBE_INTERVAL),
                ms(WatchdogConfig.DEFAULT_HEALTH_TIMEOUT), WatchdogConfig.DEFAULT_UNHEALTHY_PROBES, stall,
                ms(WatchdogConfig.DEFAULT_STOP_TIMEOUT), WatchdogConfig.DEFAULT_RESTART_BUDGET.max(),
                ms(WatchdogConfig.DEFAULT_RESTART_BUDGET.per()));
    }

    private static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
