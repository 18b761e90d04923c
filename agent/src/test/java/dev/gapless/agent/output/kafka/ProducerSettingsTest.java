package dev.gapless.agent.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.config.HostPort;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer's properties for each setting, checked by building a real producer from them (Kafka validates
 * every value, loads the PEM files and parses the JAAS line when it is built; it connects only when it sends).
 */
class ProducerSettingsTest {

    @TempDir
    Path dir;

    private static final List<HostPort> SERVERS = List.of(new HostPort("127.0.0.1", 9092), new HostPort("::1", 9093));

    private static KafkaOutputConfig base() {
        return KafkaTestConfigs.plain("bus", SERVERS, "logs", Duration.ofMinutes(2), Duration.ofSeconds(30));
    }

    private static void builds(Map<String, Object> settings) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings)) {
            assertThat(p.metrics()).isNotEmpty();
        }
    }

    @Test
    void fixesAcksAndIdempotenceAndSetsTheTimeoutsAndNoTelemetry() {
        Map<String, Object> p = ProducerSettings.of(base(), Credentials.NONE);

        assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092,[::1]:9093")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "gapless-bus")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000L)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                .containsEntry(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false)
                .containsEntry("security.protocol", "PLAINTEXT");
        ProducerConfig parsed = new ProducerConfig(p);
        assertThat(parsed.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
        assertThat(parsed.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
        builds(p);
    }

    @Test
    void everyCompressionIsOneTheProducerKnows() {
        for (KafkaOutputConfig.Compression c : KafkaOutputConfig.Compression.values()) {
            Map<String, Object> p = ProducerSettings.of(KafkaTestConfigs.with(base(), KafkaOutputConfig.Key.NONE, c,
                    Optional.empty(), Optional.empty()), Credentials.NONE);
            assertThat(new ProducerConfig(p).getString(ProducerConfig.COMPRESSION_TYPE_CONFIG))
                    .isEqualTo(c.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void saslOverTlsWithPemFilesBuildsAProducerAndHidesEverySecret() throws Exception {
        Pem pem = Pem.make(dir);
        Path password = dir.resolve("password");
        Files.writeString(password, "p\"w\\d\n");
        KafkaOutputConfig c = KafkaTestConfigs.with(base(), KafkaOutputConfig.Key.AGENT_SEQ,
                KafkaOutputConfig.Compression.GZIP,
                Optional.of(new ClientTls(Optional.of(pem.cert), Optional.of(pem.cert), Optional.of(pem.key), true,
                        Optional.empty())),
                Optional.of(new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.SCRAM_SHA_256, "gap\"less",
                        password)));
        Credentials credentials = Credentials.load(c);
        assertThat(credentials.password()).contains("p\"w\\d");
        assertThat(credentials.toString()).doesNotContain("p\"w").contains("(set)");

        Map<String, Object> p = ProducerSettings.of(c, credentials);

        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", pem.cert.toString())
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("ssl.keystore.type", "PEM");
        assertThat(((Password) p.get("sasl.jaas.config")).value()).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"gap\\\"less\" "
                        + "password=\"p\\\"w\\\\d\";");
        assertThat(((Password) p.get("ssl.keystore.key")).value()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(p.toString()).as("what a log of the settings shows").doesNotContain("p\"w")
                .doesNotContain("PRIVATE KEY").contains("[hidden]");
        builds(p);
    }

    @Test
    void plainSaslWithoutTlsIsSaslPlaintext() throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "secret");
        KafkaOutputConfig c = KafkaTestConfigs.with(base(), KafkaOutputConfig.Key.AGENT_SEQ,
                KafkaOutputConfig.Compression.NONE, Optional.empty(),
                Optional.of(new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, "u", password)));
        Map<String, Object> p = ProducerSettings.of(c, Credentials.load(c));
        assertThat(p).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(((Password) p.get("sasl.jaas.config")).value()).startsWith(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\"");
        builds(p);
    }

    @Test
    void tlsWithTheJvmsAuthoritiesSetsNoStores() {
        KafkaOutputConfig c = KafkaTestConfigs.with(base(), KafkaOutputConfig.Key.NONE,
                KafkaOutputConfig.Compression.NONE,
                Optional.of(ClientTls.DEFAULT),
                Optional.empty());
        Map<String, Object> p = ProducerSettings.of(c, Credentials.NONE);
        assertThat(p).containsEntry("security.protocol", "SSL").doesNotContainKey("ssl.truststore.location")
                .doesNotContainKey("ssl.keystore.key");
        builds(p);
    }

    @Test
    void aMissingOrEmptyPasswordFileFailsTheStartNamingTheFileNotTheSecret() throws Exception {
        Path missing = dir.resolve("nope");
        KafkaOutputConfig c = KafkaTestConfigs.with(base(), KafkaOutputConfig.Key.NONE,
                KafkaOutputConfig.Compression.NONE, Optional.empty(),
                Optional.of(new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, "u", missing)));
        assertThatThrownBy(() -> Credentials.load(c)).hasMessageContaining("sasl.password_file " + missing)
                .hasMessageContaining("cannot be read");
        Files.writeString(missing, "\n");
        assertThatThrownBy(() -> Credentials.load(c)).hasMessageContaining("is empty");
    }

    /** A self-signed certificate and its key as PEM files, made with the JDK's keytool. */
    record Pem(Path cert, Path key) {
        static Pem make(Path dir) throws Exception {
            Path store = dir.resolve("client.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "client", "-keyalg", "RSA",
                    "-keysize", "2048", "-dname", "CN=gapless-test", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            Key key = ks.getKey("client", "changeit".toCharArray());
            Certificate cert = ks.getCertificate("client");
            Path certFile = dir.resolve("client.pem");
            Path keyFile = dir.resolve("client.key");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
            return new Pem(certFile, keyFile);
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }
}
