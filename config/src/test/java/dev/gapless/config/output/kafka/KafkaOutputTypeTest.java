package dev.gapless.config.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gapless.config.Codec;
import dev.gapless.config.FieldPath;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.tls.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code type: kafka}: its keys, their defaults, and each bad value refused where it is written. */
class KafkaOutputTypeTest {

    private static KafkaOutputConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return (KafkaOutputConfig) ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), env)
                .outputs().get(0);
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void bindsTheShortFormWithEveryDefault() throws Exception {
        KafkaOutputConfig k = parse("""
                outputs:
                  - { id: bus, type: kafka, bootstrap_servers: [127.0.0.1:9092], topic: logs }
                """, Map.of());

        assertThat(k.bootstrapServers()).containsExactly(new HostPort("127.0.0.1", 9092));
        assertThat(k.topic()).isEqualTo("logs");
        assertThat(k.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(k.key()).isEqualTo(KafkaOutputConfig.DEFAULT_KEY).isEqualTo(KafkaOutputConfig.Key.AGENT_SEQ);
        assertThat(k.compression()).isEqualTo(KafkaOutputConfig.Compression.NONE);
        assertThat(k.deliveryTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(k.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(k.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(k.tls()).isEmpty();
        assertThat(k.sasl()).isEmpty();
        assertThat(k.probe()).isEqualTo(new Probe.KafkaMetadata(List.of(new HostPort("127.0.0.1", 9092)),
                Optional.empty(), Optional.empty()));
        assertThat(k.sendTimeout()).as("request_timeout + delivery_timeout + margin")
                .contains(Duration.ofSeconds(30 + 120 + 5));
    }

    @Test
    void bindsEverySetting() throws Exception {
        KafkaOutputConfig k = parse("""
                outputs:
                  - id: bus
                    type: kafka
                    bootstrap_servers: [kafka-1.example.com:9093, "[::1]:9093"]
                    topic: app.logs-v1
                    key: none
                    compression: zstd
                    codec: line
                    delivery_timeout: 45s
                    request_timeout: 10s
                    linger: 0ms
                    tls: {ca_file: ca.pem, cert_file: /etc/gapless/client.pem, key_file: client.key}
                    sasl: {mechanism: SCRAM-SHA-512, username: gapless, password_file: "${SECRETS}/kafka"}
                """, Map.of("SECRETS", "/run/credentials"));

        assertThat(k.bootstrapServers()).containsExactly(new HostPort("kafka-1.example.com", 9093),
                new HostPort("::1", 9093));
        assertThat(k.topic()).isEqualTo("app.logs-v1");
        assertThat(k.key()).isEqualTo(KafkaOutputConfig.Key.NONE);
        assertThat(k.compression()).isEqualTo(KafkaOutputConfig.Compression.ZSTD);
        assertThat(k.codec()).isEqualTo(Codec.LINE);
        assertThat(k.deliveryTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(k.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(k.linger()).isZero();
        assertThat(k.tls()).contains(new ClientTls(Optional.of(Path.of("/etc/gapless/ca.pem")),
                Optional.of(Path.of("/etc/gapless/client.pem")), Optional.of(Path.of("/etc/gapless/client.key")), true,
                Optional.empty()));
        assertThat(k.sasl()).contains(new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.SCRAM_SHA_512,
                "gapless", Path.of("/run/credentials/kafka")));
        assertThat(k.probe()).as("the cluster's metadata, with the output's TLS and SASL").isEqualTo(
                new Probe.KafkaMetadata(List.of(new HostPort("kafka-1.example.com", 9093), new HostPort("::1", 9093)),
                        k.tls(), k.sasl()));
    }

    @Test
    void tlsIsOnWithTheJvmsAuthoritiesWhenEnabledAlone() throws Exception {
        KafkaOutputConfig k = parse("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:9093], topic: t, tls: {enabled: true}}
                """, Map.of());

        assertThat(k.tls()).contains(ClientTls.DEFAULT);
        assertThat(parse("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:9093], topic: t, tls: {enabled: false}}
                """, Map.of()).tls()).isEmpty();
    }

    @Test
    void locatesEachBadValueAndReportsThemAllAtOnce() {
        List<ConfigError> errors = errors("""
                outputs:
                  - id: bus
                    type: kafka
                    bootstrap_servers: [127.0.0.1:9092, nohost, "127.0.0.1:0"]
                    topic: "logs/app"
                    key: agent
                    compression: brotli
                    delivery_timeout: 5s
                    request_timeout: 30
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::path).containsExactly(
                tuple(4, 41, "outputs[0].bootstrap_servers[1]"),
                tuple(4, 49, "outputs[0].bootstrap_servers[2]"),
                tuple(5, 12, "outputs[0].topic"),
                tuple(6, 10, "outputs[0].key"),
                tuple(7, 18, "outputs[0].compression"),
                tuple(8, 23, "outputs[0].delivery_timeout"),
                tuple(9, 22, "outputs[0].request_timeout"));
        assertThat(errors.get(0).message()).contains("expected host:port");
        assertThat(errors.get(1).message()).contains("port 0 is only for listening");
        assertThat(errors.get(2).message()).contains("Kafka topic name").contains("'logs/app'");
        assertThat(errors.get(3).message()).contains("one of agent_seq, none");
        assertThat(errors.get(4).message()).contains("none, gzip, lz4, zstd, snappy");
        assertThat(errors.get(5).message()).contains("at least request_timeout + linger");
        assertThat(errors.get(6).message()).contains("no unit");
    }

    @Test
    void refusesAMissingOrEmptyBootstrapList() {
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, topic: logs}
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("bootstrap_servers"));
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [], topic: logs}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].bootstrap_servers");
                    assertThat(e.message()).contains("an empty list");
                });
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: 127.0.0.1:9092, topic: logs}
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("a list of addresses"));
    }

    @Test
    void refusesHalfATlsOrSaslSetting() {
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, tls: {cert_file: c.pem}}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].tls.cert_file");
                    assertThat(e.message()).contains("cert_file and key_file go together");
                });
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, tls: {enabled: false, ca_file: a}}
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("disabled"));
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, tls: {enabled: "yes"}}
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("true or false"));
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, sasl: {mechanism: GSSAPI}}
                """)).extracting(ConfigError::message).containsExactly(
                        "expected a SASL mechanism, one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'GSSAPI'",
                        "sasl GSSAPI needs a username and a password_file");
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, sasl: {username: u}}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].sasl.username");
                    assertThat(e.message()).contains("needs a mechanism");
                });
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, sasl: {mechanism: PLAIN, user: u}}
                """)).extracting(ConfigError::message).containsExactly("sasl PLAIN needs a username and a password_file",
                        "unknown key 'user'; valid keys here: mechanism, username, password_file");
    }

    @Test
    void takesTheKeyAndTopicFromFieldsOnlyWithTheEnvelopeCodec() throws Exception {
        KafkaOutputConfig k = parse("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:9093], topic: logs, key_field: fields.user,
                     topic_field: 'fields."kafka.topic"'}
                """, Map.of());
        assertThat(k.routing()).isEqualTo(new KafkaOutputConfig.Routing(Optional.of(FieldPath.parse("fields.user")),
                Optional.of(FieldPath.parse("fields.\"kafka.topic\""))));
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, codec: line, key_field: fields.user}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].key_field");
                    assertThat(e.message()).contains("only codec: json_lines carries");
                });
        assertThat(errors("""
                outputs:
                  - {id: bus, type: kafka, bootstrap_servers: [b:1], topic: t, topic_field: 'fields..x'}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].topic_field");
                    assertThat(e.message()).contains("an empty key at character 8");
                });
    }

    @Test
    void theReadmesTlsAndSaslExampleBindsAsItSays() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf("**TLS and SASL.**");
        assertThat(marker).as("README's kafka section has the TLS and SASL example").isPositive();
        int start = readme.indexOf("```yaml\n", marker) + "```yaml\n".length();
        List<OutputConfig> outputs = ConfigLoader.parse(readme.substring(start, readme.indexOf("```", start)),
                "README.md", Path.of("/etc/gapless"), Map.of()).outputs();

        assertThat(outputs).extracting(o -> ((KafkaOutputConfig) o).tls().map(t -> t.certFile().isPresent()),
                o -> ((KafkaOutputConfig) o).sasl().map(KafkaOutputConfig.Sasl::mechanism))
                .containsExactly(tuple(Optional.of(true), Optional.empty()),
                        tuple(Optional.of(false), Optional.of(KafkaOutputConfig.Mechanism.SCRAM_SHA_512)),
                        tuple(Optional.empty(), Optional.of(KafkaOutputConfig.Mechanism.PLAIN)));
    }
}
