package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.elasticsearch.IndexPattern;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.output.loki.LokiOutputConfig;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog's HTTPS probe of each output type that speaks HTTP, against real JDK HTTPS servers on ports the OS
 * gave, with certificates from a private CA: up with the output's CA, down when nothing listens, and not reachable
 * with a CA that did not sign the server's certificate, without the client certificate a server requires, or for a
 * name the certificate does not hold.
 */
class HttpsProbeTest {

    /** Long enough for the first handshakes of a cold JVM on a busy machine; the failing cases end at once. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final BatchConfig B = BatchConfig.DEFAULT;
    static final RetryConfig R = RetryConfig.DEFAULT;

    @TempDir
    static Path dir;
    static TestCa ca;
    static TestCa otherCa;
    static TestCa.Issued client;
    static HttpsServer server;
    static HttpsServer mutual;
    static HttpsServer named;
    static ExecutorService executor;
    static final ConcurrentLinkedQueue<String> paths = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startServers() throws Exception {
        ca = TestCa.in(dir.resolve("ca"), "probe-ca");
        otherCa = TestCa.in(dir.resolve("other"), "other-ca");
        client = ca.issue("client");
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "https-test-server");
            t.setDaemon(true);
            return t;
        });
        server = serve(ca.issue("server", "127.0.0.1", "localhost").serverContext(null), false, 401);
        mutual = serve(ca.issue("mutual", "127.0.0.1").serverContext(ca), true, 200);
        named = serve(ca.issue("named", "logs.example").serverContext(null), false, 200);
    }

    @AfterAll
    static void stopServers() {
        for (HttpsServer s : new HttpsServer[] {server, mutual, named}) {
            if (s != null) {
                s.stop(0);
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Answers every path with {@code status}, recording it; with {@code needClientAuth} a client must show one. */
    static HttpsServer serve(SSLContext tls, boolean needClientAuth, int status) throws Exception {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        s.createContext("/", ex -> {
            paths.add(ex.getRequestURI().getPath());
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        s.setExecutor(executor);
        s.start();
        return s;
    }

    static String base(HttpsServer s) {
        return "https://127.0.0.1:" + s.getAddress().getPort();
    }

    static ClientTls tls(Path caFile) {
        return new ClientTls(Optional.of(caFile), Optional.empty(), Optional.empty(), true, Optional.empty());
    }

    static DestinationStatus probe(OutputConfig output) {
        long begin = System.nanoTime();
        DestinationStatus seen = new DestinationProbe(TIMEOUT).probe(output).orElseThrow();
        System.out.printf("%s probe in %d ms: %s%n", output.type(), (System.nanoTime() - begin) / 1_000_000,
                seen.detail());
        return seen;
    }

    static ElasticsearchOutputConfig elasticsearch(String url, Optional<ClientTls> tls) {
        return new ElasticsearchOutputConfig("search", URI.create(url), IndexPattern.parse("logs-%Y.%m.%d"),
                Codec.JSON_LINES, TIMEOUT, ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(), tls, B, R);
    }

    @Test
    void elasticsearchOverHttpsIsReachableWithTheOutputsCaAndA401CountsAsUp() {
        paths.clear();
        DestinationStatus seen = probe(elasticsearch(base(server), Optional.of(tls(ca.caFile))));
        assertThat(seen.reachable()).as(seen.detail()).isTrue();
        assertThat(seen.detail()).contains("/_cluster/health").contains("answered 401");
        assertThat(paths).containsExactly("/_cluster/health");
    }

    @Test
    void aCaThatDidNotSignTheServerMakesItUnreachableSayingTheHandshakeFailed() {
        DestinationStatus wrong = probe(elasticsearch(base(server), Optional.of(tls(otherCa.caFile))));
        assertThat(wrong.reachable()).isFalse();
        assertThat(wrong.detail()).contains("TLS handshake failed");
        DestinationStatus jvmTrust = probe(elasticsearch(base(server), Optional.empty()));
        assertThat(jvmTrust.reachable()).as("the JVM's trust store does not hold the private CA").isFalse();
        assertThat(jvmTrust.detail()).contains("TLS handshake failed");
    }

    @Test
    void verifyFalseReachesAServerWhateverSignedItsCertificate() {
        ClientTls unchecked = new ClientTls(Optional.of(otherCa.caFile), Optional.empty(), Optional.empty(), false,
                Optional.empty());
        DestinationStatus seen = probe(elasticsearch(base(named), Optional.of(unchecked)));
        assertThat(seen.reachable()).as(seen.detail()).isTrue();
    }

    @Test
    void aServerThatIsDownIsUnreachable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        long begin = System.nanoTime();
        DestinationStatus seen = probe(elasticsearch("https://127.0.0.1:" + closed, Optional.of(tls(ca.caFile))));
        assertThat(seen.reachable()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(TIMEOUT.multipliedBy(2));
    }

    @Test
    void mutualTlsNeedsTheOutputsClientCertificate() {
        ClientTls withCert = new ClientTls(Optional.of(ca.caFile), Optional.of(client.certFile()),
                Optional.of(client.keyFile()), true, Optional.empty());
        DestinationStatus up = probe(elasticsearch(base(mutual), Optional.of(withCert)));
        assertThat(up.reachable()).as(up.detail()).isTrue();
        DestinationStatus without = probe(elasticsearch(base(mutual), Optional.of(tls(ca.caFile))));
        assertThat(without.reachable()).as(without.detail()).isFalse();
    }

    @Test
    void serverNameIsTheNameTheCertificateIsCheckedAgainst() {
        DestinationStatus byAddress = probe(elasticsearch(base(named), Optional.of(tls(ca.caFile))));
        assertThat(byAddress.reachable()).as("the certificate names logs.example, not 127.0.0.1").isFalse();
        ClientTls byName = new ClientTls(Optional.of(ca.caFile), Optional.empty(), Optional.empty(), true,
                Optional.of("logs.example"));
        DestinationStatus seen = probe(elasticsearch(base(named), Optional.of(byName)));
        assertThat(seen.reachable()).as(seen.detail()).isTrue();
    }

    @Test
    void lokiSplunkOtlpAndHttpProbeTheirOwnPathsWithTheirTls() {
        Optional<ClientTls> tls = Optional.of(tls(ca.caFile));
        URI url = URI.create(base(server));
        paths.clear();
        List<OutputConfig> outputs = List.of(
                new LokiOutputConfig("loki", url, LokiOutputConfig.DEFAULT_LABELS, List.of(),
                        LokiOutputConfig.DEFAULT_LINE_FORMAT, Optional.empty(), Optional.empty(), Optional.empty(),
                        TIMEOUT, 8, tls, Codec.JSON_LINES, B, R),
                new SplunkHecOutputConfig("hec", url, dir.resolve("token"), false, TIMEOUT, TIMEOUT, TIMEOUT,
                        Optional.empty(), "gapless", SplunkHecOutputConfig.DEFAULT_EVENT_FORMAT, tls, Codec.JSON_LINES,
                        B, R),
                new OtlpOutputConfig("otel", url.resolve("/v1/logs"), Codec.JSON_LINES, TIMEOUT, Map.of(),
                        OtlpOutputConfig.Compression.GZIP, tls, B, R),
                new HttpOutputConfig("web", url.resolve("/ingest"), Codec.JSON_LINES, TIMEOUT, Map.of(),
                        Optional.of(url.resolve("/healthz")), tls, B, R));
        for (OutputConfig o : outputs) {
            DestinationStatus seen = probe(o);
            assertThat(seen.reachable()).as(o.type() + ": " + seen.detail()).isTrue();
        }
        assertThat(paths).containsExactly("/ready", "/services/collector/health", "/v1/logs", "/healthz");
        ClientTls wrong = tls(otherCa.caFile);
        DestinationStatus loki = probe(new LokiOutputConfig("loki", url, LokiOutputConfig.DEFAULT_LABELS, List.of(),
                LokiOutputConfig.DEFAULT_LINE_FORMAT, Optional.empty(), Optional.empty(), Optional.empty(), TIMEOUT, 8,
                Optional.of(wrong), Codec.JSON_LINES, B, R));
        assertThat(loki.reachable()).isFalse();
    }

    @Test
    void unreadableTlsFilesGiveNoVerdictNamingTheFile() throws Exception {
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        ClientTls badKey = new ClientTls(Optional.of(ca.caFile), Optional.of(client.certFile()), Optional.of(pkcs1),
                true, Optional.empty());
        assertThatThrownBy(() -> probe(elasticsearch(base(server), Optional.of(badKey))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("key_file " + pkcs1)
                .hasMessageContaining("PKCS#8");
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> probe(elasticsearch(base(server), Optional.of(tls(missing)))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        assertThatThrownBy(() -> probe(elasticsearch(base(server), Optional.of(tls(notPem)))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("ca_file " + notPem);
    }

    @Test
    void aRenewedCaFileIsReadAtTheNextProbe() throws Exception {
        Path caFile = dir.resolve("renewed-ca.pem");
        Files.copy(otherCa.caFile, caFile);
        DestinationProbe p = new DestinationProbe(TIMEOUT);
        var es = elasticsearch(base(server), Optional.of(tls(caFile)));
        assertThat(p.probe(es).orElseThrow().reachable()).isFalse();
        Files.copy(ca.caFile, caFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(caFile, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(caFile).toMillis() + 2000));
        DestinationStatus seen = p.probe(es).orElseThrow();
        assertThat(seen.reachable()).as(seen.detail()).isTrue();
    }
}
