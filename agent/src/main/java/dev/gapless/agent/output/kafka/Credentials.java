package dev.gapless.agent.output.kafka;

import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.kafka.KafkaSecurity;
import java.io.IOException;
import java.util.Optional;

/**
 * The secrets a Kafka output names by file, read when the output is built (never held in the config, never
 * logged, never in a message): the SASL password and the client's PEM certificate chain and private key.
 *
 * @param password        the SASL password, when SASL is on
 * @param certificateChain the client's PEM certificate chain, when TLS has a client certificate
 * @param privateKey      its PEM private key
 */
record Credentials(Optional<String> password, Optional<String> certificateChain, Optional<String> privateKey) {

    static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty(), Optional.empty());

    @Override
    public String toString() {
        return "Credentials[password=" + password.map(p -> "(set)").orElse("(none)") + ", client certificate="
                + certificateChain.map(p -> "(set)").orElse("(none)") + "]";
    }

    /**
     * Reads the files the config names ({@link KafkaSecurity.Secrets#load}, which the watchdog's probe uses too).
     *
     * @throws IOException naming the file and what is wrong with it, never its content
     */
    static Credentials load(KafkaOutputConfig config) throws IOException {
        KafkaSecurity.Secrets s = KafkaSecurity.Secrets.load(config.tls(), config.sasl());
        return new Credentials(s.password(), s.certificateChain(), s.privateKey());
    }
}
