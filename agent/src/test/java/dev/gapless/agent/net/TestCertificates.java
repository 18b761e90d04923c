package dev.gapless.agent.net;

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
import java.util.Base64;
import java.util.Date;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for a test, as PEM files in a folder: a CA ({@code ca.pem}), a server certificate for 127.0.0.1
 * and {@code localhost} ({@code server.pem}, {@code server.key}) and a client's ({@code client.pem},
 * {@code client.key}), all signed by the CA and valid for an hour. Keys are PKCS#8, as the {@code tls:} sections
 * take them.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path dir;
    public final Path caFile;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final X509Certificate ca;
    private final KeyPair clientPair;
    private final X509Certificate client;
    private final KeyPair serverPair;
    private final X509Certificate server;

    private TestCertificates(Path dir) throws GeneralSecurityException, OperatorCreationException, IOException {
        this.dir = dir;
        KeyPair caPair = keyPair();
        ca = certificate("CN=test CA", caPair, "CN=test CA", caPair, true, null);
        serverPair = keyPair();
        server = certificate("CN=127.0.0.1", serverPair, "CN=test CA", caPair, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
        clientPair = keyPair();
        client = certificate("CN=client", clientPair, "CN=test CA", caPair, false, null);
        caFile = write("ca.pem", pem("CERTIFICATE", ca.getEncoded()));
        serverCert = write("server.pem", pem("CERTIFICATE", server.getEncoded()));
        serverKey = write("server.key", pem("PRIVATE KEY", serverPair.getPrivate().getEncoded()));
        clientCert = write("client.pem", pem("CERTIFICATE", client.getEncoded()));
        clientKey = write("client.key", pem("PRIVATE KEY", clientPair.getPrivate().getEncoded()));
    }

    /** Makes a CA and the two certificates it signs, written into {@code dir} (created when missing). */
    public static TestCertificates in(Path dir) throws Exception {
        Files.createDirectories(dir);
        return new TestCertificates(dir);
    }

    /** A JDK client context trusting this CA, presenting the client certificate when {@code withCertificate}. */
    public SSLContext jdkClient(boolean withCertificate) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (withCertificate) {
            keys.setKeyEntry("client", clientPair.getPrivate(), new char[0], new X509Certificate[] {client, ca});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return tls;
    }

    /** A JDK server context with the server certificate, for test servers that speak TLS. */
    public SSLContext jdkServer() throws GeneralSecurityException, IOException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverPair.getPrivate(), new char[0], new X509Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
            boolean isCa, GeneralNames names) throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(3600)), new X500Name(subject), subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (names != null) {
            b.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
