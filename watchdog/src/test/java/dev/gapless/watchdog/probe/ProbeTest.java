package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.Probe;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.file.FileOutputConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.elasticsearch.IndexPattern;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTest {

    static final Duration TIMEOUT = Duration.ofMillis(500);
    HttpServer server;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    HttpServer serve(String path, int status, String body, boolean hang) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }));
        server.createContext(path, ex -> {
            if (hang) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    return;
                }
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        return server;
    }

    HostPort addr() {
        return new HostPort("127.0.0.1", server.getAddress().getPort());
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthProbeParsesAnAnswer() throws Exception {
        serve("/health", 200, HealthParserTest.SAMPLE, false);
        HealthResult r = new HealthProbe(TIMEOUT).probe(addr());
        assertThat(r.ok()).isTrue();
        assertThat(r.health().get().pid()).isEqualTo(4242L);
    }

    @Test
    void healthProbeTimesOutOnAHangingAgent() throws Exception {
        serve("/health", 200, "{}", true);
        HealthResult r = new HealthProbe(TIMEOUT).probe(addr());
        assertThat(r.ok()).isFalse();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.latencyMs()).isLessThan(5000);
    }

    @Test
    void healthProbeFailsOnRefusedConnectionAndBadStatus() throws Exception {
        HealthResult refused = new HealthProbe(TIMEOUT).probe(new HostPort("127.0.0.1", closedPort()));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.timedOut()).isFalse();
        serve("/health", 503, "{}", false);
        HealthResult bad = new HealthProbe(TIMEOUT).probe(addr());
        assertThat(bad.error()).contains("503");
    }

    static final BatchConfig B = BatchConfig.DEFAULT;
    static final RetryConfig R = RetryConfig.DEFAULT;

    @Test
    void tcpDestinationProbeConnects() throws Exception {
        DestinationProbe p = new DestinationProbe(TIMEOUT);
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var up = new TcpOutputConfig("t", new HostPort("127.0.0.1", s.getLocalPort()), Codec.JSON_LINES, TIMEOUT,
                    TIMEOUT, B, R);
            assertThat(p.probe(up).orElseThrow().reachable()).isTrue();
        }
        var down = new TcpOutputConfig("t", new HostPort("127.0.0.1", closedPort()), Codec.JSON_LINES, TIMEOUT,
                TIMEOUT, B, R);
        assertThat(p.probe(down).orElseThrow().reachable()).isFalse();
    }

    @Test
    void httpDestinationProbeCountsAnyAnswerAsReachable() throws Exception {
        serve("/", 500, "no", false);
        DestinationProbe p = new DestinationProbe(TIMEOUT);
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        var withHealth = new HttpOutputConfig("h", base.resolve("/ingest"), Codec.JSON_LINES, TIMEOUT, Map.of(),
                Optional.of(base.resolve("/healthz")), Optional.empty(), B, R);
        assertThat(p.probe(withHealth).orElseThrow().reachable()).isTrue();
        assertThat(p.probe(withHealth).orElseThrow().detail()).contains("500");
        var noHealth = new HttpOutputConfig("h", base.resolve("/ingest"), Codec.JSON_LINES, TIMEOUT, Map.of(),
                Optional.empty(), Optional.empty(), B, R);
        assertThat(p.probe(noHealth).orElseThrow().detail()).startsWith("tcp 127.0.0.1:");
        assertThat(p.probe(noHealth).orElseThrow().reachable()).isTrue();
        var gone = new HttpOutputConfig("h", URI.create("http://127.0.0.1:" + closedPort() + "/x"), Codec.JSON_LINES,
                TIMEOUT, Map.of(), Optional.empty(), Optional.empty(), B, R);
        assertThat(p.probe(gone).orElseThrow().reachable()).isFalse();
    }

    @Test
    void elasticsearchDestinationProbeGetsClusterHealthAndAnyAnswerCountsAsReachable() throws Exception {
        serve("/_cluster/health", 401, "{\"error\":\"missing authentication credentials\"}", false);
        DestinationProbe p = new DestinationProbe(TIMEOUT);
        var up = elasticsearch("http://127.0.0.1:" + server.getAddress().getPort());
        DestinationStatus seen = p.probe(up).orElseThrow();
        assertThat(seen.reachable()).isTrue();
        assertThat(seen.detail()).contains("/_cluster/health").contains("401");
        assertThat(p.probe(elasticsearch("http://127.0.0.1:" + closedPort())).orElseThrow().reachable()).isFalse();
    }

    private static ElasticsearchOutputConfig elasticsearch(String url) {
        return new ElasticsearchOutputConfig("search", URI.create(url), IndexPattern.parse("logs-%Y.%m.%d"),
                Codec.JSON_LINES, TIMEOUT, ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(),
                Optional.empty(), B, R);
    }

    @Test
    void fileDestinationProbeChecksTheDirectory(@TempDir Path dir) {
        DestinationProbe p = new DestinationProbe(TIMEOUT);
        var ok = new FileOutputConfig("f", dir.resolve("events.ndjson"), Codec.JSON_LINES,
                FileOutputConfig.DEFAULT_ROLL_SIZE, 1, B, R);
        assertThat(p.probe(ok).orElseThrow().reachable()).isTrue();
        var missing = new FileOutputConfig("f", dir.resolve("nope/events.ndjson"), Codec.JSON_LINES,
                FileOutputConfig.DEFAULT_ROLL_SIZE, 1, B, R);
        assertThat(p.probe(missing).orElseThrow().reachable()).isFalse();
    }

    @Test
    void urlWithoutPortUsesTheSchemesPort() {
        assertThat(Probe.hostPortOf(URI.create("https://logs.example.com/in")))
                .isEqualTo(new HostPort("logs.example.com", 443));
        assertThat(Probe.hostPortOf(URI.create("http://[::1]:8080/in"))).isEqualTo(new HostPort("::1", 8080));
    }
}
