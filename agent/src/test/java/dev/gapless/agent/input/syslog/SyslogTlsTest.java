package dev.gapless.agent.input.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import dev.gapless.config.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog input's TLS (mutual, with a CA file) for TCP and RELP, against JDK TLS clients. */
class SyslogTlsTest {

    @TempDir
    Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestCertificates certs;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private SyslogInput start(Journal journal, Protocol protocol) throws Exception {
        certs = TestCertificates.in(dir.resolve("certs"));
        SyslogInputConfig config = new SyslogInputConfig("tls", protocol, new HostPort("127.0.0.1", 0),
                ByteSize.ofKibibytes(8), 8, Duration.ofMinutes(5), Optional.of(ZoneOffset.UTC),
                Optional.of(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile))),
                Optional.empty());
        SyslogInput input = closeLater(new SyslogInput(config, new JournalIngest(journal, Clock.systemUTC()), boss,
                workers, Clock.systemUTC()));
        input.start();
        return input;
    }

    @Test
    void tcpOverTlsTakesOctetCountedFramesFromAClientWithACertificate() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.TCP);
        SSLSocket s = closeLater((SSLSocket) certs.jdkClient(true).getSocketFactory()
                .createSocket("127.0.0.1", RelpInputTest.port(input)));
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] frame = ("<13>1 - h app - - - secret " + i).getBytes(StandardCharsets.US_ASCII);
            out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(frame);
        }
        out.flush();
        await("3 accepted", () -> input.stats().accepted.sum() == 3);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 3)))
                .containsExactly("secret 0", "secret 1", "secret 2");
    }

    @Test
    void relpOverTlsIsAnsweredOnceDurable() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.RELP);
        RelpTestClient c = closeLater(RelpTestClient.connect(RelpInputTest.port(input),
                certs.jdkClient(true).getSocketFactory()));
        assertThat(c.open().text()).startsWith("200 OK");
        c.send(2, "syslog", "<13>1 - h app - - - over tls");
        assertThat(c.read().text()).isEqualTo("200 OK");
        assertThat(input.stats().accepted.sum()).isEqualTo(1);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 1))).containsExactly("over tls");
    }

    @Test
    void plainTextAndClientsWithoutACertificateGetNothingIn() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.TCP);
        int port = RelpInputTest.port(input);
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.getOutputStream().write("<13>1 - h app - - - in clear\n".getBytes(StandardCharsets.US_ASCII));
            plain.setSoTimeout(15_000);
            assertThat(plain.getInputStream().read()).as("the listener closes a connection that is not TLS")
                    .isLessThanOrEqualTo(0x17);
        }
        Throwable refused = catchThrowable(() -> {
            try (SSLSocket s = (SSLSocket) certs.jdkClient(false).getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(15_000);
                s.getOutputStream().write("<13>1 - h app - - - no certificate\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) {
                    throw new java.io.EOFException("closed");
                }
            }
        });
        assertThat(refused).as("a client without a certificate is refused").isNotNull();
        await("both connections gone", () -> input.connections().isEmpty());
        assertThat(input.stats().accepted.sum()).isZero();
        assertThat(journal.headSeq()).isZero();
    }
}
