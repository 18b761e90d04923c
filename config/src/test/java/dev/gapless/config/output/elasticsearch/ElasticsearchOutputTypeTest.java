package dev.gapless.config.output.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.Codec;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: elasticsearch}: its keys, their defaults, and each bad value refused where it is written. */
class ElasticsearchOutputTypeTest {

    private static ElasticsearchOutputConfig parse(String yaml) throws ConfigException {
        return (ElasticsearchOutputConfig) ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"),
                Map.of()).outputs().get(0);
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void bindsTheIssuesShortFormWithEveryDefault() throws Exception {
        ElasticsearchOutputConfig c = parse("""
                outputs:
                  - { id: search, type: elasticsearch, url: https://127.0.0.1:9200, index: 'logs-%Y.%m.%d' }
                """);

        assertThat(c.url()).isEqualTo(URI.create("https://127.0.0.1:9200"));
        assertThat(c.index().format(Instant.parse("2026-03-04T23:59:59Z"))).isEqualTo("logs-2026.03.04");
        assertThat(c.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(c.timeout()).isEqualTo(ElasticsearchOutputConfig.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.compression()).isEqualTo(ElasticsearchOutputConfig.Compression.GZIP);
        assertThat(c.auth()).isEmpty();
        assertThat(c.tls()).isPresent(); // https: on, with the JVM's trust store
        assertThat(c.probe()).as("https: the cluster's health with the output's TLS").isEqualTo(new Probe.HttpGet(
                URI.create("https://127.0.0.1:9200/_cluster/health"), c.tls()));
        assertThat(c.sendTimeout()).as("timeout + a connect").contains(Duration.ofSeconds(60));
    }

    @Test
    void bindsEverySettingAndProbesClusterHealthOverHttp() throws Exception {
        ElasticsearchOutputConfig c = parse("""
                outputs:
                  - id: search
                    type: elasticsearch
                    url: http://127.0.0.1:9200/proxy/
                    index: 'gapless-%Y-%H-100%%'
                    timeout: 5s
                    compression: none
                    user: gapless
                    password_file: es.password
                """);

        assertThat(c.index().format(Instant.parse("2026-03-04T07:00:00Z"))).isEqualTo("gapless-2026-07-100%");
        assertThat(c.compression()).isEqualTo(ElasticsearchOutputConfig.Compression.NONE);
        assertThat(c.auth()).contains(new ElasticsearchOutputConfig.Basic("gapless",
                Path.of("/etc/gapless/es.password")));
        assertThat(c.tls()).isEmpty();
        assertThat(c.endpoint("_bulk")).isEqualTo(URI.create("http://127.0.0.1:9200/proxy/_bulk"));
        assertThat(c.probe()).isEqualTo(new Probe.HttpGet(URI.create("http://127.0.0.1:9200/proxy/_cluster/health")));
        assertThat(parse("""
                outputs:
                  - { id: s, type: elasticsearch, url: http://h:9200, index: x, api_key_file: /k }
                """).auth()).contains(new ElasticsearchOutputConfig.ApiKey(Path.of("/k")));
    }

    @Test
    void refusesEachBadSettingWhereItIsWritten() {
        List<ConfigError> errors = errors("""
                outputs:
                  - id: search
                    type: elasticsearch
                    url: http://127.0.0.1:9200
                    index: 'Logs-%Y.%q'
                    codec: line
                    compression: brotli
                    user: gapless
                    api_key_file: /k
                    tls: { ca_file: /ca.pem }
                """);

        assertThat(errors).extracting(ConfigError::path).contains("outputs[0].index", "outputs[0].codec",
                "outputs[0].compression", "outputs[0].api_key_file", "outputs[0].url");
        assertThat(errors).extracting(ConfigError::message).anySatisfy(m -> assertThat(m).contains("lower case"))
                .anySatisfy(m -> assertThat(m).contains("codec must be json_lines"))
                .anySatisfy(m -> assertThat(m).contains("not both"))
                .anySatisfy(m -> assertThat(m).contains("plain http"));
        assertThat(errors("""
                outputs:
                  - { id: s, type: elasticsearch, url: http://h:9200, index: x, user: u }
                """)).extracting(ConfigError::message).anySatisfy(m -> assertThat(m).contains("go together"));
        assertThat(errors("""
                outputs:
                  - { id: s, type: elasticsearch, url: http://h:9200 }
                """)).extracting(ConfigError::path).contains("outputs[0].index");
    }

    @Test
    void indexPatternsMakeOnlyLegalNames() {
        assertThatThrownBy(() -> IndexPattern.parse("logs-%Y.%q")).hasMessageContaining("'%q' is not a date field");
        assertThatThrownBy(() -> IndexPattern.parse("logs-%")).hasMessageContaining("not a date field");
        assertThatThrownBy(() -> IndexPattern.parse("a b")).hasMessageContaining("cannot hold ' '");
        assertThatThrownBy(() -> IndexPattern.parse("a*")).hasMessageContaining("cannot hold '*'");
        assertThatThrownBy(() -> IndexPattern.parse("_x")).hasMessageContaining("cannot start");
        assertThatThrownBy(() -> IndexPattern.parse("..")).hasMessageContaining("not index names");
        assertThatThrownBy(() -> IndexPattern.parse("x".repeat(256))).hasMessageContaining("at most 255");
        assertThat(IndexPattern.parse("logs").dated()).isFalse();
        assertThat(IndexPattern.parse("logs-%%").dated()).isFalse();
        assertThat(IndexPattern.parse("logs-%H").format(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("logs-03");
    }
}
