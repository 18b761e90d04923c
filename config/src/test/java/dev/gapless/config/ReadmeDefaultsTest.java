package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.input.file.FileInputConfig;
import dev.gapless.config.input.journald.JournaldInputConfig;
import dev.gapless.config.input.http.HttpInputConfig;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.tcp.TcpInputConfig;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.archive.ArchiveOutputConfig;
import dev.gapless.config.output.file.FileOutputConfig;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.loki.LokiOutputConfig;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import dev.gapless.config.output.stdout.StdoutOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's complete config example shows the defaults where a key has one: this test loads that example
 * and holds it against the records' DEFAULT constants, so the documentation cannot drift from the code.
 */
class ReadmeDefaultsTest {

    @Test
    void readmeExampleLoadsAndShowsTheDefaults() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int marker = text.indexOf("A complete example with every key");
        assertThat(marker).as("README has the complete example").isPositive();
        int start = text.indexOf("```yaml\n", marker) + "```yaml\n".length();
        String yaml = text.substring(start, text.indexOf("```", start));

        GaplessConfig c = ConfigLoader.parse(yaml, "README.md", Path.of("/srv"), Map.of("TOKEN", "t"));

        assertThat(c.heartbeatInterval()).isEqualTo(GaplessConfig.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv").resolve(GaplessConfig.DEFAULT_DATA_DIR));
        assertThat(c.journal()).isEqualTo(JournalConfig.DEFAULT);
        assertThat(c.admin()).isEqualTo(AdminConfig.AGENT_DEFAULT);

        assertThat(c.filters()).extracting(FilterConfig::type).containsExactly("grok", "date", "redact", "sample",
                "drop");
        dev.gapless.config.filter.grok.MatchConfig grok =
                ((dev.gapless.config.filter.grok.GrokFilterConfig) c.filters().get(0)).match();
        assertThat(grok.field()).isEqualTo(dev.gapless.config.filter.grok.MatchConfig.DEFAULT_FIELD);
        assertThat(grok.target()).isEqualTo(dev.gapless.config.filter.grok.MatchConfig.DEFAULT_TARGET);
        assertThat(grok.timeout()).isEqualTo(dev.gapless.config.filter.grok.MatchConfig.DEFAULT_TIMEOUT);
        assertThat(grok.stepsPerChar()).isEqualTo(dev.gapless.config.filter.grok.MatchConfig.DEFAULT_STEPS_PER_CHAR);
        assertThat(grok.maxSteps()).isEqualTo(dev.gapless.config.filter.grok.MatchConfig.DEFAULT_MAX_STEPS);
        dev.gapless.config.filter.date.DateFilterConfig date =
                (dev.gapless.config.filter.date.DateFilterConfig) c.filters().get(1);
        assertThat(date.target()).isEqualTo(dev.gapless.config.filter.date.DateFilterConfig.DEFAULT_TARGET);
        assertThat(date.tagOnFailure())
                .isEqualTo(dev.gapless.config.filter.date.DateFilterConfig.DEFAULT_TAG_ON_FAILURE);
        dev.gapless.config.filter.redact.RedactFilterConfig redact =
                (dev.gapless.config.filter.redact.RedactFilterConfig) c.filters().get(2);
        assertThat(redact.mask()).isEqualTo(dev.gapless.config.filter.redact.RedactFilterConfig.DEFAULT_MASK);
        assertThat(redact.timeout()).isEqualTo(dev.gapless.config.filter.redact.RedactFilterConfig.DEFAULT_TIMEOUT);
        assertThat(redact.field()).isEqualTo(dev.gapless.config.filter.redact.RedactFilterConfig.DEFAULT_FIELD);

        TcpInputConfig tcpIn = (TcpInputConfig) c.inputs().get(0);
        assertThat(tcpIn.maxLineBytes()).isEqualTo(TcpInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(tcpIn.maxConnections()).isEqualTo(TcpInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(tcpIn.idleTimeout()).isEqualTo(TcpInputConfig.DEFAULT_IDLE_TIMEOUT);
        FileInputConfig fileIn = (FileInputConfig) c.inputs().get(1);
        assertThat(fileIn.startAt()).isEqualTo(FileInputConfig.DEFAULT_START_AT);
        assertThat(fileIn.maxLineBytes()).isEqualTo(FileInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(fileIn.pollInterval()).isEqualTo(FileInputConfig.DEFAULT_POLL_INTERVAL);
        assertThat(fileIn.exclude()).isEqualTo(List.of("*.gz"));
        assertThat(fileIn.scanInterval()).isEqualTo(FileInputConfig.DEFAULT_SCAN_INTERVAL);
        assertThat(fileIn.maxFiles()).isEqualTo(FileInputConfig.DEFAULT_MAX_FILES);
        assertThat(fileIn.fingerprintBytes()).isEqualTo(FileInputConfig.DEFAULT_FINGERPRINT_BYTES);
        assertThat(fileIn.rotateWait()).isEqualTo(FileInputConfig.DEFAULT_ROTATE_WAIT);
        FileInputConfig.Multiline multiline = fileIn.multiline().orElseThrow();
        assertThat(multiline.maxLines()).isEqualTo(FileInputConfig.Multiline.DEFAULT_MAX_LINES);
        assertThat(multiline.maxBytes()).isEqualTo(FileInputConfig.Multiline.DEFAULT_MAX_BYTES);
        assertThat(multiline.timeout()).isEqualTo(FileInputConfig.Multiline.DEFAULT_TIMEOUT);
        SyslogInputConfig syslogIn = (SyslogInputConfig) c.inputs().get(2);
        assertThat(syslogIn.protocol()).isEqualTo(SyslogInputConfig.DEFAULT_PROTOCOL);
        assertThat(syslogIn.maxLineBytes()).isEqualTo(SyslogInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(syslogIn.maxConnections()).isEqualTo(SyslogInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(syslogIn.idleTimeout()).isEqualTo(SyslogInputConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(syslogIn.timezone()).isEmpty();
        HttpInputConfig httpIn = (HttpInputConfig) c.inputs().get(3);
        assertThat(httpIn.path()).isEqualTo(HttpInputConfig.DEFAULT_PATH);
        assertThat(httpIn.maxBodyBytes()).isEqualTo(HttpInputConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(httpIn.maxDecompressedBytes().bytes()).isEqualTo(
                HttpInputConfig.DEFAULT_MAX_BODY_BYTES.bytes() * HttpInputConfig.DEFAULT_DECOMPRESSION_RATIO);
        assertThat(httpIn.maxEventBytes()).isEqualTo(HttpInputConfig.DEFAULT_MAX_EVENT_BYTES);
        assertThat(httpIn.messageKey()).isEqualTo(HttpInputConfig.DEFAULT_MESSAGE_KEY);
        assertThat(httpIn.maxConnections()).isEqualTo(HttpInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(httpIn.idleTimeout()).isEqualTo(HttpInputConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(httpIn.auth()).isEmpty();
        assertThat(httpIn.tls()).isEmpty();
        JournaldInputConfig journaldIn = (JournaldInputConfig) c.inputs().get(4);
        assertThat(journaldIn.startAt()).isEqualTo(JournaldInputConfig.DEFAULT_START_AT);
        assertThat(journaldIn.units()).isEqualTo(JournaldInputConfig.DEFAULT_UNITS);
        assertThat(journaldIn.identifiers()).isEqualTo(JournaldInputConfig.DEFAULT_IDENTIFIERS);
        assertThat(journaldIn.priority()).isEmpty();
        assertThat(journaldIn.directory()).isEmpty();
        assertThat(journaldIn.journalctl()).isEqualTo(JournaldInputConfig.DEFAULT_JOURNALCTL);
        assertThat(journaldIn.maxEntryBytes()).isEqualTo(JournaldInputConfig.DEFAULT_MAX_ENTRY_BYTES);
        assertThat(journaldIn.restartBackoff()).isEqualTo(JournaldInputConfig.DEFAULT_RESTART_BACKOFF);
        OtlpInputConfig otlpIn = (OtlpInputConfig) c.inputs().stream().filter(i -> i.id().equals("otel")).findFirst()
                .orElseThrow();
        assertThat(otlpIn.listen()).isEqualTo(OtlpInputConfig.DEFAULT_LISTEN);
        assertThat(otlpIn.maxBodyBytes()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(otlpIn.maxDecompressedBytes().bytes()).isEqualTo(
                OtlpInputConfig.DEFAULT_MAX_BODY_BYTES.bytes() * OtlpInputConfig.DEFAULT_DECOMPRESSION_RATIO);
        assertThat(otlpIn.maxEventBytes()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_EVENT_BYTES);
        assertThat(otlpIn.maxConnections()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(otlpIn.idleTimeout()).isEqualTo(OtlpInputConfig.DEFAULT_IDLE_TIMEOUT);

        HttpOutputConfig http = (HttpOutputConfig) c.outputs().get(0);
        assertThat(http.codec()).isEqualTo(HttpOutputConfig.DEFAULT_CODEC);
        assertThat(http.timeout()).isEqualTo(HttpOutputConfig.DEFAULT_TIMEOUT);
        assertThat(http.batch()).isEqualTo(BatchConfig.DEFAULT);
        assertThat(http.retry()).isEqualTo(RetryConfig.DEFAULT);
        TcpOutputConfig tcpOut = (TcpOutputConfig) c.outputs().get(1);
        assertThat(tcpOut.codec()).isEqualTo(TcpOutputConfig.DEFAULT_CODEC);
        assertThat(tcpOut.connectTimeout()).isEqualTo(TcpOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(tcpOut.writeTimeout()).isEqualTo(TcpOutputConfig.DEFAULT_WRITE_TIMEOUT);
        FileOutputConfig fileOut = (FileOutputConfig) c.outputs().get(2);
        assertThat(fileOut.codec()).isEqualTo(FileOutputConfig.DEFAULT_CODEC);
        assertThat(fileOut.rollSize()).isEqualTo(FileOutputConfig.DEFAULT_ROLL_SIZE);
        assertThat(fileOut.maxFiles()).isEqualTo(FileOutputConfig.DEFAULT_MAX_FILES);

        StdoutOutputConfig stdout = (StdoutOutputConfig) c.outputs().get(3);
        assertThat(stdout.codec()).isEqualTo(StdoutOutputConfig.DEFAULT_CODEC);
        ArchiveOutputConfig archive = (ArchiveOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("vault")).findFirst().orElseThrow();
        assertThat(archive.codec()).isEqualTo(ArchiveOutputConfig.DEFAULT_CODEC);
        assertThat(archive.rollSize()).isEqualTo(ArchiveOutputConfig.DEFAULT_ROLL_SIZE);
        assertThat(archive.rollInterval()).isEqualTo(ArchiveOutputConfig.DEFAULT_ROLL_INTERVAL);
        assertThat(archive.compression()).isEqualTo(ArchiveOutputConfig.DEFAULT_COMPRESSION);
        assertThat(archive.hmacKeyFile()).isNull();
        assertThat(archive.probe()).isEqualTo(new Probe.DirWritable(Path.of("/mnt/archive/gapless")));
        KafkaOutputConfig kafka = (KafkaOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("bus")).findFirst().orElseThrow();
        assertThat(kafka.codec()).isEqualTo(KafkaOutputConfig.DEFAULT_CODEC);
        assertThat(kafka.key()).isEqualTo(KafkaOutputConfig.DEFAULT_KEY);
        assertThat(kafka.compression()).isEqualTo(KafkaOutputConfig.DEFAULT_COMPRESSION);
        assertThat(kafka.deliveryTimeout()).isEqualTo(KafkaOutputConfig.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(kafka.requestTimeout()).isEqualTo(KafkaOutputConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(kafka.linger()).isEqualTo(KafkaOutputConfig.DEFAULT_LINGER);
        assertThat(kafka.tls()).isEmpty();
        assertThat(kafka.sasl()).isEmpty();
        ElasticsearchOutputConfig search = (ElasticsearchOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("search")).findFirst().orElseThrow();
        assertThat(search.codec()).isEqualTo(ElasticsearchOutputConfig.DEFAULT_CODEC);
        assertThat(search.timeout()).isEqualTo(ElasticsearchOutputConfig.DEFAULT_TIMEOUT);
        assertThat(search.compression()).isEqualTo(ElasticsearchOutputConfig.DEFAULT_COMPRESSION);
        assertThat(search.auth()).isEmpty();
        LokiOutputConfig loki = (LokiOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("loki")).findFirst().orElseThrow();
        assertThat(loki.labels()).isEqualTo(LokiOutputConfig.DEFAULT_LABELS);
        assertThat(loki.labelFields()).isEmpty();
        assertThat(loki.lineFormat()).isEqualTo(LokiOutputConfig.DEFAULT_LINE_FORMAT);
        assertThat(loki.timeout()).isEqualTo(LokiOutputConfig.DEFAULT_TIMEOUT);
        assertThat(loki.maxStreams()).isEqualTo(LokiOutputConfig.DEFAULT_MAX_STREAMS);
        assertThat(loki.tenantId()).isEmpty();
        assertThat(loki.bearerTokenFile()).isEmpty();
        SplunkHecOutputConfig hec = (SplunkHecOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("splunk")).findFirst().orElseThrow();
        assertThat(hec.ack()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK);
        assertThat(hec.ackTimeout()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK_TIMEOUT);
        assertThat(hec.ackPollInterval()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK_POLL_INTERVAL);
        assertThat(hec.timeout()).isEqualTo(SplunkHecOutputConfig.DEFAULT_TIMEOUT);
        assertThat(hec.sourcetype()).isEqualTo(SplunkHecOutputConfig.DEFAULT_SOURCETYPE);
        assertThat(hec.eventFormat()).isEqualTo(SplunkHecOutputConfig.DEFAULT_EVENT_FORMAT);
        assertThat(hec.index()).isEmpty();
        OtlpOutputConfig otlp = (OtlpOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("otel")).findFirst().orElseThrow();
        assertThat(otlp.codec()).isEqualTo(OtlpOutputConfig.DEFAULT_CODEC);
        assertThat(otlp.timeout()).isEqualTo(OtlpOutputConfig.DEFAULT_TIMEOUT);
        assertThat(otlp.compression()).isEqualTo(OtlpOutputConfig.DEFAULT_COMPRESSION);
        SyslogOutputConfig relay = (SyslogOutputConfig) c.outputs().stream()
                .filter(o -> o.id().equals("relay")).findFirst().orElseThrow();
        assertThat(relay.protocol()).isEqualTo(SyslogOutputConfig.DEFAULT_PROTOCOL);
        assertThat(relay.facility()).isEqualTo(SyslogOutputConfig.DEFAULT_FACILITY);
        assertThat(relay.severity()).isEqualTo(SyslogOutputConfig.DEFAULT_SEVERITY);
        assertThat(relay.appName()).isEqualTo(SyslogOutputConfig.DEFAULT_APP_NAME);
        assertThat(relay.hostname()).isEmpty();
        assertThat(relay.sdId()).isEqualTo(SyslogOutputConfig.DEFAULT_SD_ID);
        assertThat(relay.maxMessageBytes()).isEqualTo(SyslogOutputConfig.DEFAULT_MAX_MESSAGE_BYTES_STREAM);
        assertThat(relay.window()).isEqualTo(SyslogOutputConfig.DEFAULT_WINDOW);
        assertThat(relay.connectTimeout()).isEqualTo(SyslogOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(relay.timeout()).isEqualTo(SyslogOutputConfig.DEFAULT_TIMEOUT);
        assertThat(relay.tls()).isEmpty();
        assertThat(otlp.headers()).isEmpty();
        assertThat(otlp.tls()).isEmpty();
        assertThat(otlp.probe()).isEqualTo(new Probe.HttpGet(URI.create("http://127.0.0.1:4318/v1/logs")));

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
        assertThat(w.incidents()).isEqualTo(c.dataDir().resolve(WatchdogConfig.DEFAULT_INCIDENTS));
        WebhookAlertConfig hook = (WebhookAlertConfig) w.alerts().get(0);
        assertThat(hook.timeout()).isEqualTo(WebhookAlertConfig.DEFAULT_TIMEOUT);
        assertThat(hook.maxAttempts()).isEqualTo(WebhookAlertConfig.DEFAULT_MAX_ATTEMPTS);
    }
}
