package dev.gapless.config.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a listener talks TLS: the {@code tls:} section every input that can listen with TLS reads the same way.
 *
 * @param certFile PEM server certificate (chain)
 * @param keyFile  PEM private key (PKCS#8) of {@code certFile}
 * @param caFile   when set, clients must present a certificate that leads to one of these (mutual TLS)
 */
public record ServerTls(Path certFile, Path keyFile, Optional<Path> caFile) {

    public ServerTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
    }
}
