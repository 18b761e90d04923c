package dev.gapless.config.tls;

import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a {@code tls:} section, the same for every type that has one. */
public final class TlsSettings {

    private TlsSettings() {
    }

    /**
     * A client's section: {@code ca_file}, {@code cert_file}, {@code key_file}, {@code verify}, {@code server_name},
     * {@code enabled}. TLS is on when the section is written (unless {@code enabled: false}) or when
     * {@code onByDefault} (an {@code https://} URL).
     *
     * @return empty when TLS is off; null when the section is invalid (reported)
     */
    public static Optional<ClientTls> client(Settings t, boolean onByDefault) {
        Optional<Boolean> enabled = t.optional("enabled", Kind.BOOLEAN);
        Optional<Path> ca = t.optional("ca_file", Kind.PATH);
        Optional<Path> cert = t.optional("cert_file", Kind.PATH);
        Optional<Path> key = t.optional("key_file", Kind.PATH);
        boolean verify = t.get("verify", Kind.BOOLEAN, ClientTls.DEFAULT_VERIFY);
        Optional<String> serverName = t.optional("server_name", Kind.NON_EMPTY_STRING);
        boolean on = enabled.orElse(onByDefault || t.written());
        if (!on) {
            if (t.written() && enabled.isPresent()) {
                boolean more = ca.isPresent() || cert.isPresent() || key.isPresent() || serverName.isPresent();
                if (more) {
                    t.problem("tls is disabled (enabled: false) but sets more: remove the rest or enable it",
                            "enabled");
                    return null;
                }
            }
            return Optional.empty();
        }
        if (cert.isPresent() != key.isPresent()) {
            t.problem("cert_file and key_file go together: a client certificate needs its private key",
                    "cert_file", "key_file");
            return null;
        }
        return Optional.of(new ClientTls(ca, cert, key, verify, serverName));
    }

    /**
     * A listener's section: {@code cert_file} and {@code key_file} (both required once the section is written: a
     * section left empty must not mean plain text) and {@code ca_file} for mutual TLS.
     *
     * @return empty when not written; null when invalid (reported)
     */
    public static Optional<ServerTls> server(Settings s) {
        Optional<Path> cert = s.optional("cert_file", Kind.PATH);
        Optional<Path> key = s.optional("key_file", Kind.PATH);
        Optional<Path> ca = s.optional("ca_file", Kind.PATH);
        if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
            if (s.written()) {
                s.problem("tls needs cert_file and key_file; remove tls to listen without it");
                return null;
            }
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            s.problem("tls needs both cert_file and key_file", "cert_file", "key_file", "ca_file");
            return null;
        }
        return Optional.of(new ServerTls(cert.get(), key.get(), ca));
    }
}
