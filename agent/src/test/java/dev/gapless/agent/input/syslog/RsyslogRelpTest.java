package dev.gapless.agent.input.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import dev.gapless.config.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rsyslogd (Debian's packages unpacked by {@code .ci/run} under {@code agent/target/rsyslog}, with
 * {@code rsyslog-relp}, {@code librelp0} and {@code rsyslog-gnutls}) forwards to the syslog input: over RELP
 * ({@code omrelp}), over RELP with TLS and client certificates, and over TCP with TLS (the {@code gtls} netstream
 * driver). Messages reach rsyslogd through its own {@code imuxsock} socket, from {@code logger}. Skipped, saying why,
 * when the packages are not unpacked.
 */
class RsyslogRelpTest {

    static final Path LIB = RsyslogForwardTest.RSYSLOG.resolve("usr/lib/x86_64-linux-gnu");

    @TempDir
    Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Process rsyslogd;
    private SyslogInput input;
    private Journal journal;

    @AfterEach
    void tearDown() throws Exception {
        if (rsyslogd != null) {
            rsyslogd.destroy();
            if (!rsyslogd.waitFor(5, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (input != null) {
            input.close();
        }
        if (journal != null) {
            journal.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static void assumeUnpacked(String module) {
        Assumptions.assumeTrue(Files.isExecutable(RsyslogForwardTest.RSYSLOGD)
                && Files.exists(LIB.resolve("rsyslog").resolve(module + ".so")), module + " is not unpacked under "
                + LIB + ": .ci/run downloads it (apt-get download rsyslog rsyslog-relp librelp0 rsyslog-gnutls libestr0"
                + " libfastjson4, dpkg -x into agent/target/rsyslog); skipping");
    }

    private int startInput(Protocol protocol, Optional<ServerTls> tls) throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        SyslogInputConfig config = new SyslogInputConfig("syslog", protocol, new HostPort("127.0.0.1", 0),
                ByteSize.ofKibibytes(64), 8, Duration.ofMinutes(5), Optional.of(ZoneOffset.UTC), tls,
                Optional.empty());
        input = new SyslogInput(config, new JournalIngest(journal, Clock.systemUTC()), boss, workers,
                Clock.systemUTC());
        input.start();
        return RelpInputTest.port(input);
    }

    @Test
    void rsyslogForwardsOverRelpAndEveryMessageIsAnswered() throws Exception {
        assumeUnpacked("omrelp");
        int port = startInput(Protocol.RELP, Optional.empty());
        forwardAndCount("action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + port + "\""
                + " template=\"RSYSLOG_SyslogProtocol23Format\" action.resumeRetryCount=\"-1\")", 2000, "relp");
    }

    @Test
    void rsyslogForwardsOverRelpWithTlsAndClientCertificates() throws Exception {
        assumeUnpacked("omrelp");
        TestCertificates certs = TestCertificates.in(dir.resolve("certs"));
        int port = startInput(Protocol.RELP,
                Optional.of(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile))));
        forwardAndCount("action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + port + "\""
                + " template=\"RSYSLOG_SyslogProtocol23Format\" action.resumeRetryCount=\"-1\""
                + " tls=\"on\" tls.caCert=\"" + certs.caFile + "\" tls.myCert=\"" + certs.clientCert + "\""
                + " tls.myPrivKey=\"" + sec1(certs.clientKey) + "\" tls.authMode=\"name\""
                + " tls.permittedPeer=[\"localhost\"])", 500, "relp+tls");
    }

    @Test
    void rsyslogForwardsOverTcpWithTls() throws Exception {
        assumeUnpacked("lmnsd_gtls");
        TestCertificates certs = TestCertificates.in(dir.resolve("certs"));
        int port = startInput(Protocol.TCP,
                Optional.of(new ServerTls(certs.serverCert, certs.serverKey, Optional.of(certs.caFile))));
        forwardAndCount("global(DefaultNetstreamDriverCAFile=\"" + certs.caFile + "\""
                + " DefaultNetstreamDriverCertFile=\"" + certs.clientCert + "\""
                + " DefaultNetstreamDriverKeyFile=\"" + sec1(certs.clientKey) + "\")\n"
                + "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port + "\" protocol=\"tcp\""
                + " StreamDriver=\"gtls\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\""
                + " StreamDriverPermittedPeers=\"localhost\" TCP_Framing=\"octet-counted\""
                + " template=\"RSYSLOG_SyslogProtocol23Format\")", 500, "tcp+tls");
    }

    /** Starts rsyslogd with {@code action}, logs n numbered lines into it, and checks each arrives exactly once. */
    private void forwardAndCount(String action, int n, String what) throws Exception {
        Path socket = dir.resolve("log.sock");
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" UseSpecialParser=\"off\" RateLimit.Interval=\"0\")",
                "module(load=\"omrelp\")",
                action, ""));
        rsyslogd = start(conf, dir.resolve("rsyslogd.out"), dir.resolve("rsyslogd.pid"));
        await("rsyslogd's socket", () -> Files.exists(socket) || !rsyslogd.isAlive());
        assertThat(rsyslogd.isAlive()).as(() -> "rsyslogd runs: " + output()).isTrue();

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append(String.format("msg-%06d", i)).append('\n');
        }
        logger(lines.toString(), "-u", socket.toString(), "-t", "app", "-p", "local1.info");
        try {
            await(n + " accepted over " + what, () -> input.stats().accepted.sum() >= n);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + input.stats().accepted.sum() + " accepted; rsyslogd: "
                    + output(), e);
        }
        List<JournalRecord> records = TestJournals.readAll(journal, 0, n);
        TreeMap<String, Integer> seen = new TreeMap<>();
        for (JournalRecord r : records) {
            seen.merge(new String(r.message(), StandardCharsets.UTF_8).strip(), 1, Integer::sum);
            assertThat(r.tags()).isZero();
        }
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(String.format("msg-%06d", i))).as("msg %d once", i).isEqualTo(1);
        }
        assertThat(input.stats().rejected.sum()).isZero();
        System.out.printf("rsyslog over %s: %d sent, %d arrived, %d distinct%n", what, n, records.size(),
                seen.size());
    }

    /**
     * The key as GnuTLS reads it: the JDK's PKCS#8 encoding of an EC key leaves the curve out of the inner key, which
     * GnuTLS refuses ("ASN1 parser: Element was not found"), so openssl rewrites it as SEC1 with the curve named.
     */
    private static Path sec1(Path pkcs8) throws Exception {
        Path out = pkcs8.resolveSibling(pkcs8.getFileName() + ".sec1");
        Process p = new ProcessBuilder("openssl", "ec", "-in", pkcs8.toString(), "-out", out.toString())
                .redirectErrorStream(true).start();
        try {
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(TestJournals.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("openssl exited").isTrue();
            assertThat(p.exitValue()).as(said).isZero();
        } finally {
            p.destroyForcibly();
        }
        return out;
    }

    static Process start(Path conf, Path out, Path pid) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(RsyslogForwardTest.RSYSLOGD.toString(), "-n", "-f", conf.toString(),
                "-i", pid.toString(), "-M", LIB.resolve("rsyslog").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LD_LIBRARY_PATH", LIB.toString());
        return pb.start();
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("rsyslogd.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static void logger(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("logger"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(TestJournals.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("logger exited").isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
