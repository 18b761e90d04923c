package dev.gapless.config.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a network output talks TLS to its destination: the {@code tls:} section every such output reads the same way.
 *
 * @param caFile     PEM certificates the server's chain must lead to; the JVM's trust store when absent
 * @param certFile   PEM client certificate (chain) for mutual TLS; set together with {@code keyFile}
 * @param keyFile    PEM private key (PKCS#8) of {@code certFile}
 * @param verify     check the server's certificate and that it names the host; off only for tests and
 *                   self-signed set-ups, and said so in the log at start
 * @param serverName the name sent in SNI and checked against the certificate, when it is not the URL's host
 */
public record ClientTls(
        Optional<Path> caFile,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        boolean verify,
        Optional<String> serverName) {

    public static final boolean DEFAULT_VERIFY = true;

    /** TLS with the JVM's trust store, checking the server: what an {@code https://} URL gets with no section. */
    public static final ClientTls DEFAULT =
            new ClientTls(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_VERIFY, Optional.empty());

    public ClientTls {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(serverName, "serverName");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("certFile and keyFile go together");
        }
    }
}
