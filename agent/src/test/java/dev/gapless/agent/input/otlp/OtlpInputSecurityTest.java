package dev.gapless.agent.input.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.rpc.Status;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import dev.gapless.config.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One otlp input with mTLS and a bearer token (certificates made here, the token in a file) for the whole class:
 * the OpenTelemetry Java SDK exporter with its certificate and the token is served; a request without the token or
 * with another is answered 401 (an OTLP {@code Status}, counted, nothing taken) on its head, before its body is
 * gathered, and the connection closed; a client without a certificate is refused in the handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpInputSecurityTest {

    private static final String TOKEN = "otlp-s3cret";

    @TempDir
    static Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Journal journal;
    private OtlpInput input;
    private String url;
    private TestCertificates certs;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.in(dir.resolve("tls"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        journal = TestJournals.open(dir.resolve("journal"));
        OtlpInputConfig config = new OtlpInputConfig("otel", new HostPort("127.0.0.1", 0),
                ByteSize.ofKibibytes(64), ByteSize.ofKibibytes(256), ByteSize.ofKibibytes(8), 16,
                Duration.ofSeconds(30), Optional.of(new BearerAuth(Optional.of(token), Optional.empty())),
                Optional.of(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile))),
                Optional.empty());
        input = new OtlpInput(config, new JournalIngest(journal, Clock.systemUTC()), loops, loops,
                Clock.systemUTC());
        input.start();
        url = "https://" + input.boundAddress() + OtlpInputConfig.PATH;
    }

    @AfterAll
    void stop() {
        input.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        journal.close();
    }

    /** Exports one record through the SDK (which never retries a 401); whether it was accepted. */
    private boolean export(String body, String authorization) throws Exception {
        OtlpHttpLogRecordExporterBuilder b = OtlpHttpLogRecordExporter.builder().setEndpoint(url)
                .setTimeout(Duration.ofSeconds(10))
                .setTrustedCertificates(Files.readAllBytes(certs.caFile))
                .setClientTls(Files.readAllBytes(certs.clientKey), Files.readAllBytes(certs.clientCert));
        if (authorization != null) {
            b.addHeader("Authorization", authorization);
        }
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(b.build())).build();
        try {
            provider.get("shop").logRecordBuilder().setBody(body).emit();
            return provider.forceFlush().join(15, TimeUnit.SECONDS).isSuccess();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static HttpRequest post(String url, String body, String authorization) {
        byte[] bytes = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setBody(AnyValue.newBuilder().setStringValue(body))))).build().toByteArray();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    @Test
    void theSdkExporterWithItsCertificateAndTheTokenIsServed() throws Exception {
        long head = journal.headSeq();
        assertThat(export("over mtls", "Bearer " + TOKEN)).as("exported").isTrue();
        assertThat(TestJournals.texts(TestJournals.readAll(journal, head, journal.headSeq())))
                .containsExactly("over mtls");
    }

    @Test
    void withoutTheTokenOrWithAnotherIs401AndNothingIsTakenWhileTheGoodRequestsAre() throws Exception {
        long head = journal.headSeq();
        long rejected = input.stats().rejected.sum();
        assertThat(export("no token", null)).as("the SDK is refused").isFalse();

        HttpClient c = HttpClient.newBuilder().sslContext(certs.jdkClient(true))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> wrong = c.send(post(url, "wrong token", "Bearer not-it"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        Status status = Status.parseFrom(wrong.body());
        assertThat(status.getCode()).isEqualTo(16);
        assertThat(status.getMessage()).isEqualTo("a valid bearer token is required");
        assertThat(status.getMessage()).doesNotContain(TOKEN);
        HttpResponse<byte[]> good = c.send(post(url, "with the token", "bearer " + TOKEN),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(good.statusCode()).as("the scheme is case-insensitive").isEqualTo(200);

        assertThat(input.stats().rejected.sum() - rejected).as("both refusals counted").isEqualTo(2);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, head, journal.headSeq())))
                .containsExactly("with the token");
    }

    @Test
    void aRequestWithoutTheTokenIsRefusedOnItsHeadBeforeItsBodyIsGathered() throws Exception {
        long head = journal.headSeq();
        long rejected = input.stats().rejected.sum();
        String[] hostPort = input.boundAddress().split(":");
        try (SSLSocket s = (SSLSocket) certs.jdkClient(true).getSocketFactory().createSocket(hostPort[0],
                Integer.parseInt(hostPort[1]))) {
            s.setSoTimeout(10_000);
            // a body far over max_body_bytes (64 KiB) that is never sent: the aggregator would answer 413 once it
            // had the head; the gate before it answers 401 without waiting for any of it
            OutputStream out = s.getOutputStream();
            out.write(("POST " + OtlpInputConfig.PATH + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-protobuf\r\nContent-Length: 10000000\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // to the close
            assertThat(answer).startsWith("HTTP/1.1 401 ").containsIgnoringCase("connection: close")
                    .containsIgnoringCase("www-authenticate: Bearer").doesNotContain("100 Continue");
            Status status = Status.parseFrom(answer.substring(answer.indexOf("\r\n\r\n") + 4)
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(status.getCode()).isEqualTo(16);
        }
        assertThat(input.stats().rejected.sum() - rejected).isEqualTo(1);
        assertThat(journal.headSeq()).isEqualTo(head);
    }

    @Test
    void aClientWithoutACertificateIsRefusedInTheHandshake() throws Exception {
        long head = journal.headSeq();
        HttpClient anonymous = HttpClient.newBuilder().sslContext(certs.jdkClient(false))
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> anonymous.send(post(url, "no cert", "Bearer " + TOKEN),
                HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
        assertThat(journal.headSeq()).isEqualTo(head);
    }
}
