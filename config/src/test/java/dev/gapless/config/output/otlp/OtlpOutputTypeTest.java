package dev.gapless.config.output.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.Codec;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.otlp.OtlpOutputConfig.Compression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OtlpOutputTypeTest {

    private static final String HEAD = "inputs:\n  - { id: app, type: tcp, listen: 127.0.0.1:0 }\noutputs:\n";

    private static GaplessConfig load(String output) throws ConfigException {
        return ConfigLoader.parse(HEAD + output, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void theIssuesShapeBindsWithTheDefaults() throws Exception {
        OtlpOutputConfig c = (OtlpOutputConfig) load(
                "  - { id: otel, type: otlp, url: http://127.0.0.1:4318/v1/logs }\n").outputs().get(0);
        assertThat(c.url()).isEqualTo(URI.create("http://127.0.0.1:4318/v1/logs"));
        assertThat(c.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(c.timeout()).isEqualTo(OtlpOutputConfig.DEFAULT_TIMEOUT);
        assertThat(c.compression()).isEqualTo(Compression.GZIP);
        assertThat(c.headers()).isEmpty();
        assertThat(c.tls()).isEmpty();
        assertThat(c.probe()).isEqualTo(new Probe.HttpGet(URI.create("http://127.0.0.1:4318/v1/logs")));
        assertThat(c.sendTimeout()).isEqualTo(Optional.of(OtlpOutputConfig.DEFAULT_TIMEOUT));
    }

    @Test
    void bindsEveryKey() throws Exception {
        OtlpOutputConfig c = (OtlpOutputConfig) load("  - { id: otel, type: otlp, url: https://otel.example/v1/logs,"
                + " timeout: 5s, headers: { Authorization: Bearer x }, compression: none, tls: { verify: true } }\n")
                .outputs().get(0);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.headers()).containsEntry("Authorization", "Bearer x");
        assertThat(c.compression()).isEqualTo(Compression.NONE);
        assertThat(c.tls()).isPresent();
        assertThat(c.probe()).isEqualTo(new Probe.HttpGet(URI.create("https://otel.example/v1/logs"), c.tls()));
    }

    @Test
    void refusesTheLineCodecAnUnknownCompressionAndAMissingUrlWithTheirPlaces() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load("  - { id: otel, type: otlp, codec: line, compression: zstd }\n"));
        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(Object::toString)
                .anySatisfy(m -> assertThat(m).contains("gapless.yaml:4:", "codec must be json_lines"))
                .anySatisfy(m -> assertThat(m).contains("compression", "zstd", "gzip"))
                .anySatisfy(m -> assertThat(m).contains("url"));
    }

    @Test
    void refusesTlsOnAPlainHttpUrl() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(
                "  - { id: otel, type: otlp, url: http://127.0.0.1:4318/v1/logs, tls: { ca_file: ca.pem } }\n"));
        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(Object::toString)
                .anySatisfy(m -> assertThat(m).contains("tls is set but url"));
    }
}
