package dev.gapless.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.config.AdminConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.WatchdogConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final PrintStream errStream = new PrintStream(err, true);

    @Test
    void parsesEachSubcommand() {
        assertThat(Main.parse(new String[] {"watchdog", "--config", "g.yaml"}, errStream).command())
                .isEqualTo("watchdog");
        assertThat(Main.parse(new String[] {"run", "--config=g.yaml"}, errStream).command()).isEqualTo("run");
        Main.Args s = Main.parse(new String[] {"--config", "g.yaml", "status"}, errStream);
        assertThat(s.command()).isEqualTo("status");
        assertThat(s.config().isAbsolute() && s.config().endsWith("g.yaml")).isTrue();
        assertThat(Main.parse(new String[] {"--config", "g.yaml"}, errStream).command()).isEqualTo("watchdog");
    }

    @Test
    void badUsageExits2WithTheUsage() {
        assertThat(Main.run(new String[] {"watchdog"}, System.out, errStream, Map.of())).isEqualTo(2);
        assertThat(err.toString()).contains("--config FILE is required").contains("usage:");
        assertThat(Main.run(new String[] {"frobnicate", "--config", "x"}, System.out, errStream, Map.of()))
                .isEqualTo(2);
        assertThat(Main.run(new String[] {"--config"}, System.out, errStream, Map.of())).isEqualTo(2);
    }

    static GaplessConfig config(List<String> agentCommand, WatchdogConfig.Supervise mode) {
        WatchdogConfig w = new WatchdogConfig(AdminConfig.WATCHDOG_DEFAULT, mode, "u", agentCommand,
                Duration.ofSeconds(5), Duration.ofSeconds(2), 3, Duration.ofSeconds(60), Duration.ofSeconds(20),
                WatchdogConfig.DEFAULT_RESTART_BUDGET, WatchdogConfig.DEFAULT_INCIDENTS, List.of());
        return new GaplessConfig(Path.of("/var/lib/gapless"), Duration.ofSeconds(30), JournalConfig.DEFAULT,
                new AdminConfig(new HostPort("127.0.0.1", 9680)), List.of(), List.of(), w);
    }

    @Test
    void agentCommandDefaultsToTheLauncherWithExitWithParent() {
        List<String> cmd = Main.agentCommand(config(List.of(), WatchdogConfig.Supervise.CHILD),
                Path.of("/etc/gapless/gapless.yaml"), Map.of("GAPLESS_HOME", "/opt/gapless"));
        assertThat(cmd).containsExactly("/opt/gapless/bin/gapless", "agent", "--config", "/etc/gapless/gapless.yaml",
                "--exit-with-parent");
        assertThat(Main.agentCommand(config(List.of("java", "-jar", "a.jar"), WatchdogConfig.Supervise.CHILD),
                Path.of("/x"), Map.of())).containsExactly("java", "-jar", "a.jar");
        assertThatThrownBy(() -> Main.agentCommand(config(List.of(), WatchdogConfig.Supervise.CHILD), Path.of("/x"),
                Map.of()))
                .hasMessageContaining("GAPLESS_HOME");
    }

    @Test
    void runForcesChildSupervision() {
        GaplessConfig c = Main.asChild(config(List.of("sleep", "1"), WatchdogConfig.Supervise.SYSTEMD));
        assertThat(c.watchdog().supervise()).isEqualTo(WatchdogConfig.Supervise.CHILD);
        assertThat(Main.supervisor(c, Path.of("/x"), true, Map.of()))
                .isInstanceOf(dev.gapless.watchdog.supervisor.ChildSupervisor.class);
        assertThat(Main.supervisor(config(List.of(), WatchdogConfig.Supervise.SYSTEMD), Path.of("/x"), false, Map.of()))
                .isInstanceOf(dev.gapless.watchdog.supervisor.SystemdSupervisor.class);
    }
}
