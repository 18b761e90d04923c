package dev.gapless.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.AdminConfig;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.WatchdogConfig;
import dev.gapless.config.WebhookAlertConfig;
import dev.gapless.config.input.file.FileInputConfig;
import dev.gapless.config.input.tcp.TcpInputConfig;
import dev.gapless.config.output.file.FileOutputConfig;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Path BASE = Path.of("/etc/gapless");

    static String resource(String name) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", BASE, Map.of());
    }

    @Test
    void everyKeyOfAFullFileLandsInTheRecords() throws Exception {
        GaplessConfig c = parse(resource("full.yaml"));

        assertThat(c.dataDir()).isEqualTo(Path.of("/etc/gapless/var/gapless"));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.journal()).isEqualTo(new JournalConfig(JournalConfig.Durability.FSYNC, Duration.ofMillis(5),
                ByteSize.ofGibibytes(8), ByteSize.ofMebibytes(512), JournalConfig.WhenFull.DROP_OLDEST,
                ByteSize.ofMebibytes(128)));
        assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("0.0.0.0", 9700)));

        assertThat(c.inputs()).containsExactly(
                new TcpInputConfig("app", new HostPort("::1", 5170), ByteSize.ofKibibytes(64), 16,
                        Duration.ofSeconds(30), Optional.of(Duration.ofMinutes(5))),
                new FileInputConfig("syslog.main", Path.of("/etc/gapless/logs/syslog"), FileInputConfig.StartAt.END,
                        ByteSize.ofMebibytes(2), Duration.ofSeconds(1), Optional.of(Duration.ofHours(1))));

        assertThat(c.outputs()).containsExactly(
                new TcpOutputConfig("relay", new HostPort("relay.internal", 6000), Codec.LINE, Duration.ofSeconds(3),
                        TcpOutputConfig.DEFAULT_WRITE_TIMEOUT,
                        new BatchConfig(10, ByteSize.ofKibibytes(4), Duration.ZERO),
                        new RetryConfig(Duration.ofMillis(50), Duration.ofSeconds(10))),
                new HttpOutputConfig("central", URI.create("https://logs.example.com/ingest"), Codec.JSON_LINES,
                        Duration.ofSeconds(15), Map.of("Authorization", "Bearer s3cret", "X-Tenant", "blue"),
                        Optional.of(URI.create("https://logs.example.com/healthz")), Optional.of(ClientTls.DEFAULT),
                        BatchConfig.DEFAULT, RetryConfig.DEFAULT),
                new FileOutputConfig("archive", Path.of("/srv/archive/events.ndjson"), Codec.JSON_LINES,
                        ByteSize.ofGibibytes(1), 0, BatchConfig.DEFAULT, RetryConfig.DEFAULT));

        assertThat(c.watchdog()).isEqualTo(new WatchdogConfig(
                new AdminConfig(new HostPort("127.0.0.1", 9701)),
                WatchdogConfig.Supervise.SYSTEMD,
                "my-agent.service",
                List.of("/opt/gapless/bin/gapless", "agent", "--config", "/etc/gapless/gapless.yaml"),
                Duration.ofSeconds(2), Duration.ofSeconds(1), 4, Duration.ofMinutes(2), Duration.ofSeconds(30),
                new WatchdogConfig.RestartBudget(0, Duration.ofHours(1)),
                Path.of("/var/log/gapless/incidents.jsonl"),
                List.of(new WebhookAlertConfig(URI.create("http://alerts.internal:8080/hook"), Duration.ofSeconds(2), 3,
                        Map.of("X-Source", "gapless")))));
    }

    @Test
    void appliesTheRecordDefaultsToAMinimalFile() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - {type: tcp, id: app, listen: "127.0.0.1:5170"}
                  - {type: file, id: f, path: app.log}
                outputs:
                  - {type: tcp, id: t, address: "localhost:6000"}
                  - {type: http, id: h, url: "http://localhost:8080/"}
                  - {type: file, id: o, path: out.ndjson}
                """);

        assertThat(c.dataDir()).isEqualTo(BASE.resolve("data"));
        assertThat(c.heartbeatInterval()).isEqualTo(GaplessConfig.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(c.journal()).isEqualTo(JournalConfig.DEFAULT);
        assertThat(c.admin()).isEqualTo(AdminConfig.AGENT_DEFAULT);

        TcpInputConfig tcp = (TcpInputConfig) c.inputs().get(0);
        assertThat(tcp.maxLineBytes()).isEqualTo(TcpInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(tcp.maxConnections()).isEqualTo(TcpInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(tcp.expectEventsEvery()).isEmpty();
        FileInputConfig file = (FileInputConfig) c.inputs().get(1);
        assertThat(file.startAt()).isEqualTo(FileInputConfig.DEFAULT_START_AT);
        assertThat(file.maxLineBytes()).isEqualTo(FileInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(file.pollInterval()).isEqualTo(FileInputConfig.DEFAULT_POLL_INTERVAL);

        TcpOutputConfig tcpOut = (TcpOutputConfig) c.outputs().get(0);
        assertThat(tcpOut.codec()).isEqualTo(TcpOutputConfig.DEFAULT_CODEC);
        assertThat(tcpOut.connectTimeout()).isEqualTo(TcpOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(tcpOut.batch()).isEqualTo(BatchConfig.DEFAULT);
        assertThat(tcpOut.retry()).isEqualTo(RetryConfig.DEFAULT);
        HttpOutputConfig http = (HttpOutputConfig) c.outputs().get(1);
        assertThat(http.codec()).isEqualTo(HttpOutputConfig.DEFAULT_CODEC);
        assertThat(http.timeout()).isEqualTo(HttpOutputConfig.DEFAULT_TIMEOUT);
        assertThat(http.headers()).isEmpty();
        assertThat(http.healthUrl()).isEmpty();
        FileOutputConfig fileOut = (FileOutputConfig) c.outputs().get(2);
        assertThat(fileOut.codec()).isEqualTo(FileOutputConfig.DEFAULT_CODEC);
        assertThat(fileOut.rollSize()).isEqualTo(FileOutputConfig.DEFAULT_ROLL_SIZE);
        assertThat(fileOut.maxFiles()).isEqualTo(FileOutputConfig.DEFAULT_MAX_FILES);

        WatchdogConfig w = c.watchdog();
        assertThat(w.admin()).isEqualTo(AdminConfig.WATCHDOG_DEFAULT);
        assertThat(w.supervise()).isEqualTo(WatchdogConfig.DEFAULT_SUPERVISE);
        assertThat(w.systemdUnit()).isEqualTo(WatchdogConfig.DEFAULT_SYSTEMD_UNIT);
        assertThat(w.agentCommand()).isEmpty();
        assertThat(w.probeInterval()).isEqualTo(WatchdogConfig.DEFAULT_PROBE_INTERVAL);
        assertThat(w.healthTimeout()).isEqualTo(WatchdogConfig.DEFAULT_HEALTH_TIMEOUT);
        assertThat(w.unhealthyProbes()).isEqualTo(WatchdogConfig.DEFAULT_UNHEALTHY_PROBES);
        assertThat(w.stallTimeout()).isEqualTo(WatchdogConfig.DEFAULT_STALL_TIMEOUT);
        assertThat(w.stopTimeout()).isEqualTo(WatchdogConfig.DEFAULT_STOP_TIMEOUT);
        assertThat(w.restartBudget()).isEqualTo(WatchdogConfig.DEFAULT_RESTART_BUDGET);
        assertThat(w.incidents()).isEqualTo(BASE.resolve("data").resolve(WatchdogConfig.DEFAULT_INCIDENTS));
        assertThat(w.alerts()).isEmpty();
    }

    @Test
    void partialSectionsKeepTheDefaultsOfTheKeysLeftOut() throws Exception {
        GaplessConfig c = parse("""
                journal: {max_size: 1GiB}
                watchdog:
                  restart_budget: {max: 2}
                """);

        assertThat(c.journal().maxSize()).isEqualTo(ByteSize.ofGibibytes(1));
        assertThat(c.journal().segmentSize()).isEqualTo(JournalConfig.DEFAULT.segmentSize());
        assertThat(c.watchdog().restartBudget())
                .isEqualTo(new WatchdogConfig.RestartBudget(2, WatchdogConfig.DEFAULT_RESTART_BUDGET.per()));
    }

    @Test
    void sectionsWithEveryKeyCommentedOutTakeTheirDefaults() throws Exception {
        GaplessConfig c = parse("""
                journal:
                  # max_size: 8GiB
                inputs:
                watchdog:
                """);

        assertThat(c.journal()).isEqualTo(JournalConfig.DEFAULT);
        assertThat(c.inputs()).isEmpty();
    }

    @Test
    void listensOnAnIpv6Address() throws Exception {
        GaplessConfig c = parse("""
                admin: {listen: "[::]:0"}
                inputs:
                  - {type: tcp, id: app, listen: "[fe80::1]:5170"}
                """);

        assertThat(c.admin().listen()).isEqualTo(new HostPort("::", 0));
        assertThat(((TcpInputConfig) c.inputs().get(0)).listen()).isEqualTo(new HostPort("fe80::1", 5170));
    }

    @Test
    void resolvesRelativePathsAgainstTheConfigFilesDirectory(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("etc"));
        Path file = Files.writeString(dir.resolve("gapless.yaml"), """
                data_dir: ../state
                inputs:
                  - {type: file, id: f, path: logs/app.log}
                  - {type: file, id: g, path: /var/log/abs.log}
                outputs:
                  - {type: file, id: o, path: ./out/events.ndjson}
                """);

        GaplessConfig c = ConfigLoader.load(file, Map.of());

        assertThat(c.dataDir()).isEqualTo(tmp.resolve("state"));
        assertThat(((FileInputConfig) c.inputs().get(0)).path()).isEqualTo(dir.resolve("logs/app.log"));
        assertThat(((FileInputConfig) c.inputs().get(1)).path()).isEqualTo(Path.of("/var/log/abs.log"));
        assertThat(((FileOutputConfig) c.outputs().get(0)).path()).isEqualTo(dir.resolve("out/events.ndjson"));
        assertThat(c.watchdog().incidents())
                .isEqualTo(tmp.resolve("state").resolve(WatchdogConfig.DEFAULT_INCIDENTS));
    }

    @Test
    void resolvesRelativeIncidentsAgainstTheConfigFileNotTheDataDir() throws Exception {
        GaplessConfig c = parse("""
                data_dir: /var/lib/gapless
                watchdog: {incidents: incidents.jsonl}
                """);

        assertThat(c.watchdog().incidents()).isEqualTo(BASE.resolve("incidents.jsonl"));
    }

    @Test
    void reportsAMissingFileAsAConfigError(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(missing, Map.of()));

        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.file()).isEqualTo(missing.toString());
            assertThat(err.message()).isEqualTo("cannot read the config: does not exist");
        });
    }

    @Test
    void namesTheFileInErrorsFromLoad(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("g.yaml"), "heartbeat_interval: 30\n");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of()));

        assertThat(e.errors()).singleElement().hasToString(
                file + ":1:21: heartbeat_interval: expected a duration with a unit (ms, s, m, h, d), such as 500ms "
                        + "or 30s,"
                        + " got '30': a bare number has no unit");
    }
}
