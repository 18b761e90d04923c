package dev.gapless.config.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.http.HttpOutputConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client {@code tls:} section, read the same for every network output; shown through the http output. */
class TlsSettingsTest {

    private static Optional<ClientTls> tlsOf(String output) throws ConfigException {
        return ((HttpOutputConfig) ConfigLoader.parse("outputs:\n  - " + output + "\n", "gapless.yaml",
                Path.of("/etc/gapless"), Map.of()).outputs().get(0)).tls();
    }

    private static List<ConfigError> errors(String output) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(
                "outputs:\n  - " + output + "\n", "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void anHttpsUrlTalksTlsWithTheJvmsTrustStoreAndChecksTheServer() throws Exception {
        assertThat(tlsOf("{id: h, type: http, url: 'https://logs.example.com/in'}")).contains(ClientTls.DEFAULT);
        assertThat(tlsOf("{id: h, type: http, url: 'https://logs.example.com/in', tls: {}}"))
                .contains(ClientTls.DEFAULT);
        assertThat(tlsOf("{id: h, type: http, url: 'http://logs.example.com/in'}")).isEmpty();
    }

    @Test
    void readsEveryKeyWithFilesRelativeToTheConfig() throws Exception {
        assertThat(tlsOf("{id: h, type: http, url: 'https://10.0.0.5/in', tls: {ca_file: ca.pem, "
                + "cert_file: /etc/gapless/client.pem, key_file: client.key, verify: false, "
                + "server_name: logs.example.com}}"))
                .contains(new ClientTls(Optional.of(Path.of("/etc/gapless/ca.pem")),
                        Optional.of(Path.of("/etc/gapless/client.pem")),
                        Optional.of(Path.of("/etc/gapless/client.key")), false, Optional.of("logs.example.com")));
    }

    @Test
    void refusesHalfAClientCertificateAWrongTypeAndTlsOverPlainHttp() {
        assertThat(errors("{id: h, type: http, url: 'https://x/in', tls: {cert_file: c.pem}}"))
                .singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].tls.cert_file");
                    assertThat(e.message()).contains("cert_file and key_file go together");
                });
        assertThat(errors("{id: h, type: http, url: 'https://x/in', tls: {verify: 'no'}}"))
                .singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].tls.verify");
                    assertThat(e.message()).contains("true or false");
                });
        assertThat(errors("{id: h, type: http, url: 'http://x/in', tls: {ca_file: ca.pem}}"))
                .singleElement().satisfies(e -> assertThat(e.message())
                        .isEqualTo("tls is set but url http://x/in is plain http: use https:// or remove tls"));
        assertThat(errors("{id: h, type: http, url: 'https://x/in', tls: {enabled: false, ca_file: ca.pem}}"))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("disabled"));
    }

    @Test
    void theKafkaOutputRefusesWhatItsProducerCannotDo() {
        assertThat(errors("{id: k, type: kafka, bootstrap_servers: [b:1], topic: t, tls: {verify: false}}"))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("give their CA in tls.ca_file"));
        assertThat(errors("{id: k, type: kafka, bootstrap_servers: [b:1], topic: t, tls: {server_name: b}}"))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("remove tls.server_name"));
    }
}
