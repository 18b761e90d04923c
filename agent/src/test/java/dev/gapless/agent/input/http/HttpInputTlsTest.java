package dev.gapless.agent.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.http.HttpInputConfig;
import dev.gapless.config.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    private TestCertificates certs;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.in(dir);
        journal = TestJournals.open(dir.resolve("journal"));
        HttpInputConfig config = new HttpInputConfig("secure", new HostPort("127.0.0.1", 0),
                HttpInputConfig.DEFAULT_PATH, ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(256),
                ByteSize.ofKibibytes(8), HttpInputConfig.DEFAULT_MESSAGE_KEY, 16, Duration.ofSeconds(30),
                Optional.empty(),
                Optional.of(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile))),
                Optional.empty());
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

    private HttpClient client(boolean withCertificate) throws Exception {
        return HttpClient.newBuilder().sslContext(certs.jdkClient(withCertificate))
                .connectTimeout(Duration.ofSeconds(5)).build();
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
                "--cacert", certs.caFile.toString(), "--cert", certs.clientCert.toString(),
                "--key", certs.clientKey.toString(), "-H", "Content-Type: text/plain",
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
