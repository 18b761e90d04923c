package dev.gapless.agent.output.kafka;

import dev.gapless.config.output.kafka.KafkaOutputConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Files holding a secret are read up to this size: a larger one is not a password or a PEM key. */
    static final long MAX_FILE_BYTES = 1 << 20;

    static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty(), Optional.empty());

    @Override
    public String toString() {
        return "Credentials[password=" + password.map(p -> "(set)").orElse("(none)") + ", client certificate="
                + certificateChain.map(p -> "(set)").orElse("(none)") + "]";
    }

    /**
     * Reads the files the config names.
     *
     * @throws IOException naming the file and what is wrong with it, never its content
     */
    static Credentials load(KafkaOutputConfig config) throws IOException {
        Optional<String> password = Optional.empty();
        if (config.sasl().isPresent()) {
            String p = read(config.sasl().get().passwordFile(), "sasl.password_file");
            p = p.endsWith("\r\n") ? p.substring(0, p.length() - 2) : p.endsWith("\n") ? p.substring(0, p.length() - 1)
                    : p;
            if (p.isEmpty()) {
                throw new IOException("sasl.password_file " + config.sasl().get().passwordFile() + " is empty");
            }
            password = Optional.of(p);
        }
        Optional<String> chain = Optional.empty();
        Optional<String> key = Optional.empty();
        if (config.tls().isPresent() && config.tls().get().certFile().isPresent()) {
            chain = Optional.of(read(config.tls().get().certFile().get(), "tls.cert_file"));
            key = Optional.of(read(config.tls().get().keyFile().get(), "tls.key_file"));
        }
        return new Credentials(password, chain, key);
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
