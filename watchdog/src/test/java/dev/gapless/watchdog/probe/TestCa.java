package dev.gapless.watchdog.probe;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority made for one test, its certificates valid for an hour, written as PEM files (keys
 * PKCS#8, as the {@code tls:} sections take them): the CA itself ({@link #caFile}) and the certificates it signs
 * ({@link #issue}), each with the names it is issued for.
 */
final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path dir;
    final Path caFile;
    private final KeyPair caPair;
    private final X509Certificate ca;

    /** A certificate this CA signed, its PEM files, and its key for a JDK server of it. */
    record Issued(Path certFile, Path keyFile, X509Certificate cert, X509Certificate ca, KeyPair pair) {

        /** A JDK server context presenting this certificate; with {@code clientsFrom}, clients must show one of its. */
        SSLContext serverContext(TestCa clientsFrom) throws GeneralSecurityException, IOException {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", pair.getPrivate(), new char[0], new X509Certificate[] {cert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            TrustManagerFactory tmf = null;
            if (clientsFrom != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", clientsFrom.ca);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return tls;
        }
    }

    private TestCa(Path dir, String name) throws Exception {
        this.dir = Files.createDirectories(dir);
        caPair = keyPair();
        ca = certificate("CN=" + name, caPair, caPair, true, List.of());
        caFile = write(name + "-ca.pem", pem("CERTIFICATE", ca.getEncoded()));
    }

    static TestCa in(Path dir, String name) throws Exception {
        return new TestCa(dir, name);
    }

    /**
     * Issues a certificate for {@code names}: an IP address (digits and dots) or DNS names; none for a client.
     * Written as {@code <file>.pem} and {@code <file>.key}.
     */
    Issued issue(String file, String... names) throws Exception {
        KeyPair pair = keyPair();
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            alt.add(new GeneralName(n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        X509Certificate cert = certificate("CN=" + file, pair, caPair, false, alt);
        Path certFile = write(file + ".pem", pem("CERTIFICATE", cert.getEncoded()));
        Path keyFile = write(file + ".key", pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        return new Issued(certFile, keyFile, cert, ca, pair);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private X509Certificate certificate(String subject, KeyPair subjectKey, KeyPair issuerKey, boolean isCa,
            List<GeneralName> names) throws Exception {
        Instant now = Instant.now();
        X500Name issuer = isCa ? new X500Name(subject) : new X500Name(ca.getSubjectX500Principal().getName());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(3600)), new X500Name(subject), subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
