package dev.gapless.watchdog.probe;

import dev.gapless.config.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JDK {@link SSLContext} from an output's {@code tls:} section, read the way the agent reads it: PEM certificates
 * the server's chain must lead to ({@code ca_file}, else the JVM's trust store), a PEM client certificate chain and
 * its unencrypted PKCS#8 key, and no check of the server at all only with {@code verify: false}. The JDK reads PEM
 * certificates itself; a PKCS#8 key is one base64 block, decoded here (Java 17 reads no PEM key, its PEM API is a
 * preview in 25, and the watchdog does not take a crypto library for one block).
 */
final class PemTls {

    /** The key algorithms a PKCS#8 key is tried as, in turn: what TLS client certificates use. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private PemTls() {
    }

    /**
     * The context of {@code t}.
     *
     * @throws IOException naming the file that cannot be read or holds no usable PEM, never a key's content
     */
    static SSLContext context(ClientTls t) throws IOException {
        try {
            TrustManager[] trust = null;
            if (!t.verify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (t.caFile().isPresent()) {
                KeyStore ks = emptyStore();
                int i = 0;
                for (Certificate c : certificates(t.caFile().get(), "ca_file")) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            }
            KeyManagerFactory kmf = null;
            if (t.certFile().isPresent()) {
                List<Certificate> chain = certificates(t.certFile().get(), "cert_file");
                KeyStore ks = emptyStore();
                ks.setKeyEntry("client", privateKey(t.keyFile().orElseThrow()), new char[0],
                        chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + t.caFile().map(p -> "ca_file " + p + " ").orElse("")
                    + t.certFile().map(p -> "cert_file " + p).orElse("") + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    private static List<Certificate> certificates(Path file, String what) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new IOException(what + " " + file + " holds no PEM certificate");
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException(what + " " + file + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN_KEY);
        int end = text.indexOf(END_KEY);
        if (begin < 0 || end < begin) {
            throw new IOException("key_file " + file + " holds no unencrypted PKCS#8 key (" + BEGIN_KEY
                    + "); convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException("key_file " + file + " is not base64 between its PEM lines", e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: the next
            }
        }
        throw new IOException("key_file " + file + " is not an " + String.join(", ", KEY_ALGORITHMS) + " key");
    }

    /**
     * {@code verify: false}: every server chain accepted, and no name checked (an extended trust manager of our own
     * is asked instead of the JDK's, which would check the name).
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // a client: never asked
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // a client: never asked
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // a client: never asked
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // verify: false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // verify: false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // verify: false
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
