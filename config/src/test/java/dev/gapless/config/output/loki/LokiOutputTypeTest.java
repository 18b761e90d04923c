package dev.gapless.config.output.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.Codec;
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

/** {@code type: loki}: its keys, their defaults, and each bad value refused where it is written. */
class LokiOutputTypeTest {

    private static LokiOutputConfig parse(String yaml) throws ConfigException {
        return (LokiOutputConfig) ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of())
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
        LokiOutputConfig l = parse("""
                outputs:
                  - { id: loki, type: loki, url: http://127.0.0.1:3100, labels: { job: gapless } }
                """);

        assertThat(l.labels()).isEqualTo(Map.of("job", "gapless")).isEqualTo(LokiOutputConfig.DEFAULT_LABELS);
        assertThat(l.labelFields()).isEmpty();
        assertThat(l.lineFormat()).isEqualTo(LokiOutputConfig.DEFAULT_LINE_FORMAT);
        assertThat(l.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(l.timeout()).isEqualTo(LokiOutputConfig.DEFAULT_TIMEOUT);
        assertThat(l.maxStreams()).isEqualTo(LokiOutputConfig.DEFAULT_MAX_STREAMS);
        assertThat(l.tenantId()).isEmpty();
        assertThat(l.basicAuth()).isEmpty();
        assertThat(l.bearerTokenFile()).isEmpty();
        assertThat(l.tls()).isEmpty();
        assertThat(l.probe()).isEqualTo(new Probe.HttpGet(URI.create("http://127.0.0.1:3100/ready")));
        assertThat(l.resolve(LokiOutputConfig.PUSH_PATH)).isEqualTo(
                URI.create("http://127.0.0.1:3100/loki/api/v1/push"));
        assertThat(l.sendTimeout()).contains(LokiOutputConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void bindsEverySetting() throws Exception {
        LokiOutputConfig l = parse("""
                outputs:
                  - id: loki
                    type: loki
                    url: https://loki.example.com/prefix/
                    labels: { job: gapless, env: prod }
                    label_fields: [source, fields.syslog.app_name]
                    line_format: json
                    tenant_id: team-a
                    basic_auth: { username: gapless, password_file: loki.password }
                    timeout: 5s
                    max_streams: 10
                    tls: { ca_file: ca.pem }
                """);

        assertThat(l.labelFields()).containsExactly("source", "fields.syslog.app_name");
        assertThat(LokiOutputType.labelName("fields.syslog.app_name")).isEqualTo("app_name");
        assertThat(l.lineFormat()).isEqualTo(LokiOutputConfig.LineFormat.JSON);
        assertThat(l.tenantId()).contains("team-a");
        assertThat(l.basicAuth()).contains(new LokiOutputConfig.BasicAuth("gapless",
                Path.of("/etc/gapless/loki.password")));
        assertThat(l.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(l.maxStreams()).isEqualTo(10);
        assertThat(l.tls()).isPresent();
        assertThat(l.probe()).isEqualTo(new Probe.HttpGet(URI.create("https://loki.example.com/prefix/ready"), l.tls()));
    }

    @Test
    void refusesBadLabelsAndCodecsWhereTheyAreWritten() {
        assertThat(errors("""
                outputs:
                  - id: loki
                    type: loki
                    url: http://127.0.0.1:3100
                    labels: { "job-name": x }
                    label_fields: [message, fields.a, fields.b.a]
                    codec: line
                """)).anySatisfy(e -> assertThat(e).contains("'job-name' is not a Loki label name"))
                .anySatisfy(e -> assertThat(e).contains("label_fields takes source, host, kind or fields.")
                        .contains("[message]"))
                .anySatisfy(e -> assertThat(e).contains("makes label 'a', which another label has"))
                .anySatisfy(e -> assertThat(e).contains("codec must be json_lines"));
        assertThat(errors("""
                outputs:
                  - { id: loki, type: loki, url: http://127.0.0.1:3100, labels: {},
                      label_fields: [source, host, kind, fields.a, fields.b] }
                """)).anySatisfy(e -> assertThat(e).contains("at least one label"))
                .anySatisfy(e -> assertThat(e).contains("at most 4 label_fields"));
        assertThat(errors("""
                outputs:
                  - { id: loki, type: loki, url: http://127.0.0.1:3100, basic_auth: { username: u },
                      bearer_token_file: t }
                """)).anySatisfy(e -> assertThat(e).contains("needs a username and a password_file"))
                .anySatisfy(e -> assertThat(e).contains("not both"));
        assertThat(errors("""
                outputs:
                  - { id: loki, type: loki, url: http://127.0.0.1:3100, tls: { ca_file: ca.pem } }
                """)).singleElement().asString().contains("plain http");
    }
}
