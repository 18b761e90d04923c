package dev.gapless.config.output.kafka;

import dev.gapless.config.tls.ClientTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a Kafka output's {@code tls:} and {@code sasl:} sections become Kafka client properties, as plain strings
 * (this module does not depend on Kafka): the one mapping the agent's producer and the watchdog's metadata probe
 * both use, so the two always log in the same way.
 */
public final class KafkaSecurity {

    /** Files holding a secret are read up to this size: a larger one is not a password or a PEM key. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    /** The properties whose values are secrets: a client passes them as its hidden password type. */
    public static final Set<String> SECRET_PROPERTIES =
            Set.of("ssl.keystore.certificate.chain", "ssl.keystore.key", "sasl.jaas.config");

    private KafkaSecurity() {
    }

    /**
     * The secrets the sections name by file, read when a client is built (never held in the config, never logged,
     * never in a message).
     *
     * @param password         the SASL password, when SASL is on
     * @param certificateChain the client's PEM certificate chain, when TLS has a client certificate
     * @param privateKey       its PEM private key
     */
    public record Secrets(Optional<String> password, Optional<String> certificateChain, Optional<String> privateKey) {

        public static final Secrets NONE = new Secrets(Optional.empty(), Optional.empty(), Optional.empty());

        @Override
        public String toString() {
            return "Secrets[password=" + password.map(p -> "(set)").orElse("(none)") + ", client certificate="
                    + certificateChain.map(p -> "(set)").orElse("(none)") + "]";
        }

        /**
         * Reads the files the sections name.
         *
         * @throws IOException naming the file and what is wrong with it, never its content
         */
        public static Secrets load(Optional<ClientTls> tls, Optional<KafkaOutputConfig.Sasl> sasl)
                throws IOException {
            Optional<String> password = Optional.empty();
            if (sasl.isPresent()) {
                String p = read(sasl.get().passwordFile(), "sasl.password_file");
                p = p.endsWith("\r\n") ? p.substring(0, p.length() - 2)
                        : p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
                if (p.isEmpty()) {
                    throw new IOException("sasl.password_file " + sasl.get().passwordFile() + " is empty");
                }
                password = Optional.of(p);
            }
            Optional<String> chain = Optional.empty();
            Optional<String> key = Optional.empty();
            if (tls.isPresent() && tls.get().certFile().isPresent()) {
                chain = Optional.of(read(tls.get().certFile().get(), "tls.cert_file"));
                key = Optional.of(read(tls.get().keyFile().get(), "tls.key_file"));
            }
            return new Secrets(password, chain, key);
        }

        private static String read(Path file, String what) throws IOException {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new IOException(what + " " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
            }
            if (size > MAX_FILE_BYTES) {
                throw new IOException(what + " " + file + " is " + size + " bytes, over the " + MAX_FILE_BYTES
                        + " a secret file may have");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code security.protocol} and the {@code ssl.*} / {@code sasl.*} properties: the brokers' CA as a PEM trust
     * store, the client certificate and key as PEM strings, the SASL login as a JAAS line. The values of
     * {@link #SECRET_PROPERTIES} are secrets.
     */
    public static Map<String, String> properties(Optional<ClientTls> tls, Optional<KafkaOutputConfig.Sasl> sasl,
            Secrets secrets) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", sasl.isPresent() ? (tls.isPresent() ? "SASL_SSL" : "SASL_PLAINTEXT")
                : (tls.isPresent() ? "SSL" : "PLAINTEXT"));
        tls.ifPresent(t -> {
            // Each broker's certificate must name the host it is reached at, as advertised: Kafka's default, set so
            // that no other default turns it off (the config refuses verify: false and server_name).
            p.put("ssl.endpoint.identification.algorithm", "https");
            t.caFile().ifPresent(ca -> {
                p.put("ssl.truststore.type", "PEM");
                p.put("ssl.truststore.location", ca.toString());
            });
            if (secrets.certificateChain().isPresent()) {
                p.put("ssl.keystore.type", "PEM");
                p.put("ssl.keystore.certificate.chain", secrets.certificateChain().get());
                p.put("ssl.keystore.key", secrets.privateKey().orElseThrow());
            }
        });
        sasl.ifPresent(s -> {
            p.put("sasl.mechanism", s.mechanism().kafkaName());
            String module = s.mechanism() == KafkaOutputConfig.Mechanism.PLAIN
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + quoted(s.username()) + "\" password=\""
                    + quoted(secrets.password().orElseThrow()) + "\";");
        });
        return p;
    }

    /** A value inside a JAAS double-quoted string: backslash and quote escaped. */
    public static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
