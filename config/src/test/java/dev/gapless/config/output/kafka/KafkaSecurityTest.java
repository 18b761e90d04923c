package dev.gapless.config.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.config.tls.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {

    @Test
    void eachCombinationOfTlsAndSaslNamesItsProtocol(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "p\"w\\d\n");
        Optional<KafkaOutputConfig.Sasl> sasl = Optional.of(new KafkaOutputConfig.Sasl(
                KafkaOutputConfig.Mechanism.SCRAM_SHA_512, "gapless", password));
        Optional<ClientTls> tls = Optional.of(ClientTls.DEFAULT);
        assertThat(KafkaSecurity.properties(Optional.empty(), Optional.empty(), KafkaSecurity.Secrets.NONE))
                .isEqualTo(Map.of("security.protocol", "PLAINTEXT"));
        assertThat(KafkaSecurity.properties(tls, Optional.empty(), KafkaSecurity.Secrets.NONE))
                .as("no ca_file: the JVM's trust store; the brokers' names checked")
                .isEqualTo(Map.of("security.protocol", "SSL", "ssl.endpoint.identification.algorithm", "https"));
        KafkaSecurity.Secrets secrets = KafkaSecurity.Secrets.load(Optional.empty(), sasl);
        assertThat(secrets.toString()).doesNotContain("p\"w");
        Map<String, String> p = KafkaSecurity.properties(Optional.empty(), sasl, secrets);
        assertThat(p).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"gapless\" password=\"p\\\"w\\\\d\";");
        assertThat(KafkaSecurity.SECRET_PROPERTIES).contains("sasl.jaas.config");
    }

    @Test
    void tlsFilesBecomePemStoresAndTheClientKeyIsASecret(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "CA");
        Path cert = Files.writeString(dir.resolve("client.pem"), "CHAIN");
        Path key = Files.writeString(dir.resolve("client.key"), "KEY");
        Optional<ClientTls> tls = Optional.of(new ClientTls(Optional.of(ca), Optional.of(cert), Optional.of(key), true,
                Optional.empty()));
        Map<String, String> p = KafkaSecurity.properties(tls, Optional.empty(),
                KafkaSecurity.Secrets.load(tls, Optional.empty()));
        assertThat(p).containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", ca.toString()).containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", "CHAIN").containsEntry("ssl.keystore.key", "KEY");
        assertThat(KafkaSecurity.SECRET_PROPERTIES).contains("ssl.keystore.key", "ssl.keystore.certificate.chain");
    }

    @Test
    void aMissingEmptyOrHugeSecretFileIsAnErrorNamingTheFileNeverItsContent(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> KafkaSecurity.Secrets.load(Optional.empty(), Optional.of(
                new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, "u", missing))))
                .hasMessageContaining("sasl.password_file " + missing + " cannot be read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> KafkaSecurity.Secrets.load(Optional.empty(), Optional.of(
                new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, "u", empty))))
                .hasMessageContaining("is empty");
        Path huge = Files.write(dir.resolve("huge"), new byte[(int) KafkaSecurity.MAX_FILE_BYTES + 1]);
        Optional<ClientTls> tls = Optional.of(new ClientTls(Optional.empty(), Optional.of(huge), Optional.of(huge),
                true, Optional.empty()));
        assertThatThrownBy(() -> KafkaSecurity.Secrets.load(tls, Optional.empty()))
                .hasMessageContaining("tls.cert_file " + huge).hasMessageContaining("over the");
    }
}
