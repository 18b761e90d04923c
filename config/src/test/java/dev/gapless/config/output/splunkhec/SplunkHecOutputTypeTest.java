package dev.gapless.config.output.splunkhec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: splunk_hec}: its keys, their defaults, and each bad value refused where it is written. */
class SplunkHecOutputTypeTest {

    private static SplunkHecOutputConfig parse(String yaml) throws ConfigException {
        return (SplunkHecOutputConfig) ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of())
                .outputs().get(0);
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void bindsTheIssuesShapeWithEveryDefault() throws Exception {
        SplunkHecOutputConfig h = parse("""
                outputs:
                  - { id: splunk, type: splunk_hec, url: https://127.0.0.1:8088, token_file: /etc/gapless/hec.token,
                      ack: true }
                """);

        assertThat(h.tokenFile()).isEqualTo(Path.of("/etc/gapless/hec.token"));
        assertThat(h.ack()).isTrue();
        assertThat(h.ackTimeout()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK_TIMEOUT);
        assertThat(h.ackPollInterval()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK_POLL_INTERVAL);
        assertThat(h.timeout()).isEqualTo(SplunkHecOutputConfig.DEFAULT_TIMEOUT);
        assertThat(h.index()).isEmpty();
        assertThat(h.sourcetype()).isEqualTo(SplunkHecOutputConfig.DEFAULT_SOURCETYPE);
        assertThat(h.eventFormat()).isEqualTo(SplunkHecOutputConfig.DEFAULT_EVENT_FORMAT);
        assertThat(h.tls()).as("https with no section: on, the JVM's authorities").isPresent();
        assertThat(h.probe()).isEqualTo(new Probe.HttpGet(
                URI.create("https://127.0.0.1:8088/services/collector/health"), h.tls()));
        assertThat(h.sendTimeout()).as("the events' request, ack_timeout, the last poll")
                .contains(Duration.ofSeconds(30 + 60 + 30));
    }

    @Test
    void bindsEverySetting() throws Exception {
        SplunkHecOutputConfig h = parse("""
                outputs:
                  - id: splunk
                    type: splunk_hec
                    url: http://hec.example.com:8088
                    token_file: hec.token
                    ack_timeout: 20s
                    ack_poll_interval: 500ms
                    timeout: 5s
                    index: main
                    sourcetype: app
                    event_format: json
                """);

        assertThat(h.ack()).isEqualTo(SplunkHecOutputConfig.DEFAULT_ACK).isFalse();
        assertThat(h.tokenFile()).isEqualTo(Path.of("/etc/gapless/hec.token"));
        assertThat(h.ackTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(h.ackPollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(h.index()).contains("main");
        assertThat(h.sourcetype()).isEqualTo("app");
        assertThat(h.eventFormat()).isEqualTo(SplunkHecOutputConfig.EventFormat.JSON);
        assertThat(h.tls()).isEmpty();
        assertThat(h.sendTimeout()).as("no ack: one request").contains(Duration.ofSeconds(5));
    }

    @Test
    void refusesMissingTokenAPollSlowerThanTheTimeoutAndOtherCodecs() {
        assertThat(errors("""
                outputs:
                  - { id: splunk, type: splunk_hec, url: https://127.0.0.1:8088, ack: true, ack_timeout: 1s,
                      ack_poll_interval: 2s, codec: line }
                """)).anySatisfy(e -> assertThat(e).contains("token_file"))
                .anySatisfy(e -> assertThat(e).contains("ack_poll_interval (2s) must be below ack_timeout (1s)"))
                .anySatisfy(e -> assertThat(e).contains("codec must be json_lines"));
    }
}
