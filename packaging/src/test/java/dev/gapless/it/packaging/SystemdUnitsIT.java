package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units as shipped: {@code systemd-analyze verify} finds nothing wrong (skipped without it),
 * their hardening keeps a low exposure score, and they agree with the packaged config.
 */
class SystemdUnitsIT {

    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final List<String> UNITS = List.of("gapless-agent.service", "gapless-watchdog.service");
    /** The launcher path in ExecStart=; it exists only where the .deb is installed. */
    private static final String INSTALLED_LAUNCHER = "/usr/share/gapless/bin/gapless";
    /** {@code systemd-analyze security} rates 0 (locked down) to 10 (exposed); ours is 1.9 now. */
    private static final double MAX_EXPOSURE = 3.0;

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifyReportsNothing() throws Exception {
        assumeTrue(Command.onPath("systemd-analyze"), "systemd-analyze is not installed");
        // Verify copies named as installed, from a folder of their own (verify also loads the unit's folder).
        for (String unit : UNITS) {
            Files.copy(Artifacts.sources().resolve("systemd/" + unit), dir.resolve(unit));
        }
        Command.Result r = Command.run(QUICK, "systemd-analyze", "verify",
                dir.resolve(UNITS.get(0)).toString(), dir.resolve(UNITS.get(1)).toString());
        // The one finding allowed: the launcher is not installed on this machine.
        List<String> findings = Command.lines(r.stdout() + r.stderr()).stream()
                .filter(l -> !(Files.notExists(Path.of(INSTALLED_LAUNCHER))
                        && l.endsWith("Command " + INSTALLED_LAUNCHER
                                + " is not executable: No such file or directory")))
                .collect(Collectors.toList());
        assertThat(findings).as(r.output()).isEmpty();
        if (Files.isExecutable(Path.of(INSTALLED_LAUNCHER))) {
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
    }

    @Test
    void hardeningKeepsExposureLow() throws Exception {
        assumeTrue(Command.onPath("systemd-analyze"), "systemd-analyze is not installed");
        for (String unit : UNITS) {
            Path copy = dir.resolve(unit);
            Files.copy(Artifacts.sources().resolve("systemd/" + unit), copy);
            Command.Result r = Command.run(QUICK, "systemd-analyze", "security", "--offline=true", "--no-pager",
                    copy.toString());
            assumeTrue(!r.stderr().contains("unrecognized option"),
                    "systemd-analyze security --offline needs systemd 250+");
            Matcher m = Pattern.compile("Overall exposure level for " + Pattern.quote(unit) + ": (\\d+\\.\\d)")
                    .matcher(r.stdout());
            assertThat(m.find()).as(r.output()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as("exposure of %s", unit).isLessThanOrEqualTo(MAX_EXPOSURE);
        }
    }

    @Test
    void unitsRunTheInstalledLauncherAsGaplessWithThePackagedConfig() throws Exception {
        String agent = unit("gapless-agent.service");
        String watchdog = unit("gapless-watchdog.service");
        assertThat(agent).contains("\nExecStart=" + INSTALLED_LAUNCHER + " agent --config /etc/gapless/gapless.yaml\n",
                "\nType=simple\n", "\nUser=gapless\n", "\nRestart=on-failure\n", "\nNoNewPrivileges=yes\n",
                "\nProtectSystem=strict\n", "\nReadWritePaths=/var/lib/gapless /var/log/gapless\n",
                "\nStateDirectory=gapless\n", "\nPrivateTmp=yes\n", "\nProtectHome=yes\n");
        assertThat(watchdog).contains(
                "\nExecStart=" + INSTALLED_LAUNCHER + " watchdog --config /etc/gapless/gapless.yaml\n",
                "\nUser=gapless\n", "\nWants=gapless-agent.service\n");
        assertThat(watchdog).as("restart propagation would restart the watchdog at each of its repairs")
                .doesNotContainPattern("(?m)^(Requires|BindsTo|PartOf)=");
        assertThat(agent).as("the JIT needs writable+executable memory").doesNotContain("MemoryDenyWriteExecute=yes");
    }

    @Test
    void agentStopTimeoutMatchesTheWatchdogsAndRestartSecIsBelowItsPatience() throws Exception {
        String agent = unit("gapless-agent.service");
        String config = Files.readString(Artifacts.sources().resolve("deb/gapless.yaml"));
        assertThat(setting(agent, "TimeoutStopSec")).isEqualTo("30s");
        assertThat(config).containsPattern("(?m)^  stop_timeout: 30s$");
        // The watchdog waits unhealthy_probes x probe_interval (3 x 5 s by default) for systemd's Restart=.
        assertThat(setting(agent, "RestartSec")).isEqualTo("5s");
    }

    @Test
    void polkitRuleGrantsOnlyRestartOfTheAgentUnitToGapless() throws Exception {
        String rule = Files.readString(Artifacts.sources().resolve("systemd/50-gapless-watchdog.rules"));
        assertThat(rule).contains("action.id == \"org.freedesktop.systemd1.manage-units\"",
                "action.lookup(\"unit\") == \"gapless-agent.service\"", "action.lookup(\"verb\") == \"restart\"",
                "subject.user == \"gapless\"", "return polkit.Result.YES;");
        assertThat(rule).doesNotContain("Result.AUTH");
    }

    private static String unit(String name) throws Exception {
        return Files.readString(Artifacts.sources().resolve("systemd/" + name));
    }

    private static String setting(String unit, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.*)$").matcher(unit);
        assertThat(m.find()).as("%s= in the unit", key).isTrue();
        return m.group(1).strip();
    }
}
