package dev.gapless.agent.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.http.HttpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http input over mTLS with certificates made here (a CA, the listener's certificate for 127.0.0.1, a client's):
 * a client with a certificate of that CA is served (Java's client and real curl), one without is refused in the
 * handshake, and nothing of its request is taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpInputTlsTest {

    @TempDir
    static Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Journal journal;
    private HttpInput input;
    private String url;
    private KeyPair caKey;
    private X509Certificate ca;
    private KeyPair clientKey;
    private X509Certificate client;

    @BeforeAll
    void start() throws Exception {
        caKey = keyPair();
        ca = certificate("CN=test CA", caKey, "CN=test CA", caKey, true, null);
        KeyPair serverKey = keyPair();
        X509Certificate server = certificate("CN=127.0.0.1", serverKey, "CN=test CA", caKey, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        clientKey = keyPair();
        client = certificate("CN=client", clientKey, "CN=test CA", caKey, false, null);
        write("ca.pem", pem("CERTIFICATE", ca.getEncoded()));
        write("server.pem", pem("CERTIFICATE", server.getEncoded()));
        write("server.key", pem("PRIVATE KEY", serverKey.getPrivate().getEncoded()));
        write("client.pem", pem("CERTIFICATE", client.getEncoded()));
        write("client.key", pem("PRIVATE KEY", clientKey.getPrivate().getEncoded()));

        journal = TestJournals.open(dir.resolve("journal"));
        HttpInputConfig config = new HttpInputConfig("secure", new HostPort("127.0.0.1", 0),
                HttpInputConfig.DEFAULT_PATH, ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(256),
                ByteSize.ofKibibytes(8), HttpInputConfig.DEFAULT_MESSAGE_KEY, 16, Duration.ofSeconds(30),
                Optional.empty(), Optional.of(new HttpInputConfig.Tls(dir.resolve("server.pem"),
                        dir.resolve("server.key"), Optional.of(dir.resolve("ca.pem")))), Optional.empty());
        input = new HttpInput(config, new JournalIngest(journal, Clock.systemUTC()), loops, loops,
                Clock.systemUTC());
        input.start();
        url = "https://" + input.boundAddress() + "/ingest";
    }

    @AfterAll
    void stop() {
        input.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        journal.close();
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
                                               boolean isCa, GeneralNames names) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(subject.hashCode() & 0xffff)),
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), new X500Name(subject),
                subjectKey.getPublic());
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

    private static void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private HttpClient client(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (withCertificate) {
            keys.setKeyEntry("client", clientKey.getPrivate(), new char[0], new X509Certificate[] {client, ca});
        }
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    @Test
    void aClientWithACertificateOfTheCaIsServed() throws Exception {
        long head = journal.headSeq();
        HttpResponse<String> r = client(true).send(post("{\"message\":\"over mtls\",\"k\":1}\n"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, head, journal.headSeq())))
                .containsExactly("over mtls");
    }

    @Test
    void curlWithItsCertificateIsServed() throws Exception {
        long head = journal.headSeq();
        Path body = dir.resolve("body.txt");
        Files.writeString(body, "curl over mtls\n");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "15", "-w", " %{http_code}",
                "--cacert", dir.resolve("ca.pem").toString(), "--cert", dir.resolve("client.pem").toString(),
                "--key", dir.resolve("client.key").toString(), "-H", "Content-Type: text/plain",
                "--data-binary", "@" + body, url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo("{\"accepted\":1}\n 200");
        } finally {
            p.destroyForcibly();
        }
        assertThat(TestJournals.texts(TestJournals.readAll(journal, head, journal.headSeq())))
                .containsExactly("curl over mtls");
    }

    @Test
    void aClientWithoutACertificateIsRefusedInTheHandshake() throws Exception {
        long head = journal.headSeq();
        HttpClient anonymous = client(false);
        assertThatThrownBy(() -> anonymous.send(post("{\"message\":\"no cert\"}\n"),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(journal.headSeq()).isEqualTo(head);
    }
}
