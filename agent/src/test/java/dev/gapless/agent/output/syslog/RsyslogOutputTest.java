package dev.gapless.agent.output.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import dev.gapless.config.tls.ClientTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog output against a real rsyslogd (Debian's packages unpacked under {@code agent/target/rsyslog} by
 * {@code .ci/run}, never installed): {@code imtcp} (octet-counted RFC 5424) and {@code imrelp}, plain and with TLS
 * (the {@code gtls} driver; the agent checks rsyslogd's certificate), each writing what it receives to a file through
 * a template that keeps the structured data; a direct main queue, so that rsyslogd answers a RELP message only once
 * its file holds it. One rsyslogd for the class, on ports chosen by binding 0; the RELP test kills it (SIGKILL)
 * mid-stream and starts it again on the same ports. Skipped, saying why, when the packages are not unpacked.
 */
class RsyslogOutputTest {

    static final Path RSYSLOG = Path.of("target", "rsyslog").toAbsolutePath();
    static final Path RSYSLOGD = RSYSLOG.resolve("usr/sbin/rsyslogd");
    static final Path LIB = RSYSLOG.resolve("usr/lib/x86_64-linux-gnu");

    @TempDir
    static Path dir;

    private static int tcpPort;
    private static int relpPort;
    private static int tlsPort;
    private static int relpTlsPort;
    private static TestCertificates certs;
    private static volatile Process rsyslogd;
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @BeforeAll
    static void startRsyslog() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RSYSLOGD) && Files.exists(LIB.resolve("rsyslog/imrelp.so")),
                "rsyslogd with imrelp is not unpacked under " + RSYSLOG + ": .ci/run downloads it (apt-get download "
                + "rsyslog rsyslog-relp librelp0 libestr0 libfastjson4, dpkg -x into agent/target/rsyslog); skipping");
        tcpPort = freePort();
        relpPort = freePort();
        tlsPort = freePort();
        relpTlsPort = freePort();
        certs = TestCertificates.in(dir.resolve("certs"));
        Path key = sec1(certs.serverKey);
        Files.createDirectories(dir.resolve("work"));
        Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\" maxMessageSize=\"64k\""
                        + " DefaultNetstreamDriverCAFile=\"" + certs.caFile + "\""
                        + " DefaultNetstreamDriverCertFile=\"" + certs.serverCert + "\""
                        + " DefaultNetstreamDriverKeyFile=\"" + key + "\")",
                "main_queue(queue.type=\"Direct\")",
                "module(load=\"imtcp\")",
                "module(load=\"imrelp\")",
                "template(name=\"out\" type=\"string\" string=\"%syslogfacility-text% %syslogseverity-text% %hostname%"
                        + " %app-name% %procid% %msgid% %timereported:::date-rfc3339% %structured-data% %msg%\\n\")",
                "ruleset(name=\"tcp\") { action(type=\"omfile\" file=\"" + dir.resolve("tcp.log")
                        + "\" template=\"out\") }",
                "ruleset(name=\"relp\") { action(type=\"omfile\" file=\"" + dir.resolve("relp.log")
                        + "\" template=\"out\") }",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\" ruleset=\"tcp\")",
                "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" + relpPort + "\" ruleset=\"relp\")",
                "ruleset(name=\"tls\") { action(type=\"omfile\" file=\"" + dir.resolve("tls.log")
                        + "\" template=\"out\") }",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tlsPort + "\" ruleset=\"tls\""
                        + " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")",
                "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" + relpTlsPort + "\" ruleset=\"tls\""
                        + " tls=\"on\" tls.caCert=\"" + certs.caFile + "\" tls.myCert=\"" + certs.serverCert + "\""
                        + " tls.myPrivKey=\"" + key + "\" tls.authMode=\"certvalid\")",
                ""));
        start();
    }

    @AfterAll
    static void stopRsyslog() throws Exception {
        if (rsyslogd != null) {
            rsyslogd.destroy();
            if (!rsyslogd.waitFor(5, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Starts rsyslogd on the config (kept in {@link #rsyslogd} at once, for the teardown) and waits for its ports. */
    private static void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("rsyslogd.pid").toString(), "-M", LIB.resolve("rsyslog").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("rsyslogd.out").toFile()));
        pb.environment().put("LD_LIBRARY_PATH", LIB.toString());
        Process p = pb.start();
        rsyslogd = p;
        await("rsyslogd listening on " + tcpPort + ", " + relpPort + ", " + tlsPort + " and " + relpTlsPort,
                () -> !p.isAlive() || (connectable(tcpPort) && connectable(relpPort) && connectable(tlsPort)
                        && connectable(relpTlsPort)));
        assertThat(p.isAlive()).as(() -> "rsyslogd runs: " + output()).isTrue();
    }

    private static boolean connectable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free now: bound and closed (rsyslogd binds it with SO_REUSEADDR, and again after a restart). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String output() {
        try {
            return Files.readString(dir.resolve("rsyslogd.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /** Sends the batch until delivered, as the output worker does (its backoff a fixed 100 ms here), within 60 s. */
    private static int deliver(SyslogSink sink, EncodedBatch batch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int failures = 0;
        while (true) {
            Outcome o = sink.send(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (o instanceof Outcome.Delivered) {
                return failures;
            }
            assertThat(o).as("never rejected").isInstanceOf(Outcome.Retryable.class);
            failures++;
            assertThat(System.nanoTime()).as("delivered within 60 s; last: " + o).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static SyslogSink sink(Protocol protocol, int port) throws IOException {
        return sink(protocol, port, Optional.empty());
    }

    private static SyslogSink sink(Protocol protocol, int port, Optional<ClientTls> tls) throws IOException {
        return new SyslogSink(Envelopes.config(protocol, new HostPort("127.0.0.1", port), tls, 128,
                Duration.ofSeconds(10), SyslogOutputConfig.DEFAULT_MAX_MESSAGE_BYTES_STREAM), GROUP);
    }

    /**
     * The key as GnuTLS reads it: the JDK's PKCS#8 encoding of an EC key leaves the curve out of the inner key, which
     * GnuTLS refuses, so openssl rewrites it as SEC1 with the curve named.
     */
    private static Path sec1(Path pkcs8) throws Exception {
        Path out = pkcs8.resolveSibling(pkcs8.getFileName() + ".sec1");
        Process p = new ProcessBuilder("openssl", "ec", "-in", pkcs8.toString(), "-out", out.toString())
                .redirectErrorStream(true).start();
        try {
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("openssl exited").isTrue();
            assertThat(p.exitValue()).as(said).isZero();
        } finally {
            p.destroyForcibly();
        }
        return out;
    }

    @Test
    void tlsOnTcpDeliversEveryMessageToACheckedServer() throws Exception {
        Optional<ClientTls> tls = Optional.of(new ClientTls(Optional.of(certs.caFile), Optional.empty(),
                Optional.empty(), true, Optional.empty()));
        sendOverTls(Protocol.TCP, tlsPort, tls, 1, "tcp+tls");
    }

    /** librelp's TLS without a client certificate is anonymous TLS, which the JDK does not speak: mutual TLS here. */
    @Test
    void tlsOnRelpWithAClientCertificateDeliversEveryMessage() throws Exception {
        Optional<ClientTls> tls = Optional.of(new ClientTls(Optional.of(certs.caFile), Optional.of(certs.clientCert),
                Optional.of(certs.clientKey), true, Optional.empty()));
        sendOverTls(Protocol.RELP, relpTlsPort, tls, 10_001, "relp+tls");
    }

    private static void sendOverTls(Protocol protocol, int port, Optional<ClientTls> tls, long from, String what)
            throws Exception {
        int n = 300;
        try (SyslogSink sink = sink(protocol, port, tls)) {
            for (long first = from; first < from + n; first += 100) {
                assertThat(deliver(sink, Envelopes.events(first, 100, what))).isZero();
            }
        }
        Path file = dir.resolve("tls.log");
        await(n + " lines of " + what + " in " + file, () -> ofRange(uncheckedLines(file), from, n).size() >= n);
        TreeMap<Long, Integer> seen = distinct(ofRange(lines(file), from, n));
        assertThat(seen).hasSize(n);
        System.out.printf("rsyslog over %s: %d sent, %d arrived, %d distinct%n", what, n,
                ofRange(lines(file), from, n).size(), seen.size());
    }

    private static List<String> ofRange(List<String> lines, long from, int n) {
        return lines.stream().filter(l -> Envelopes.seqOf(l) >= from && Envelopes.seqOf(l) < from + n).toList();
    }

    @Test
    void tcpDeliversEveryMessageWithItsFieldsAndStructuredData() throws Exception {
        int n = 1000;
        try (SyslogSink sink = sink(Protocol.TCP, tcpPort)) {
            for (int b = 0; b < n / 100; b++) {
                ObjectNode[] es = new ObjectNode[100];
                for (int i = 0; i < 100; i++) {
                    long seq = b * 100L + i + 1;
                    ObjectNode s = Envelopes.JSON.createObjectNode().put("facility", "local1")
                            .put("severity", "notice").put("hostname", "web-1").put("app_name", "app")
                            .put("proc_id", "42").put("msg_id", "ID7");
                    s.putObject("structured_data").putObject("x@1").put("a", "b\"c\\d");
                    es[i] = Envelopes.event(seq, "grüße " + seq, s);
                }
                assertThat(deliver(sink, Envelopes.batch(es))).isZero();
            }
        }
        Path file = dir.resolve("tcp.log");
        await(n + " lines in " + file, () -> uncheckedLines(file).size() >= n);
        TreeMap<Long, Integer> seen = new TreeMap<>();
        for (String line : lines(file)) {
            long seq = Envelopes.seqOf(line);
            seen.merge(seq, 1, Integer::sum);
            assertThat(line).isEqualTo("local1 notice web-1 app 42 ID7 2026-12-01T23:59:58.987654Z "
                    + "[gapless@32473 agent_id=\"" + Envelopes.AGENT_ID + "\" seq=\"" + seq + "\"]"
                    + "[x@1 a=\"b\\\"c\\\\d\"] grüße " + seq);
        }
        assertThat(seen).hasSize(n);
        assertThat(seen.firstKey()).isEqualTo(1);
        assertThat(seen.lastKey()).isEqualTo(n);
        System.out.printf("rsyslog over tcp: %d sent, %d arrived, %d distinct%n", n, lines(file).size(),
                seen.size());
    }

    @Test
    void relpLosesNothingWhenRsyslogIsKilledMidStream() throws Exception {
        int n = 3000;
        int batchSize = 100;
        Path file = dir.resolve("relp.log");
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            try {
                await("1000 lines before the kill", () -> uncheckedLines(file).size() >= 1000);
                rsyslogd.destroyForcibly(); // SIGKILL
                assertThat(rsyslogd.waitFor(10, TimeUnit.SECONDS)).isTrue();
                start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int failures = 0;
        try (SyslogSink sink = sink(Protocol.RELP, relpPort)) {
            for (long first = 1; first <= n; first += batchSize) {
                failures += deliver(sink, Envelopes.events(first, batchSize, "relp"));
            }
        }
        killer.get(60, TimeUnit.SECONDS);
        await(n + " distinct seqs in " + file, () -> distinct(uncheckedLines(file)).size() >= n);
        List<String> lines = lines(file);
        TreeMap<Long, Integer> seen = distinct(lines);
        for (long s = 1; s <= n; s++) {
            assertThat(seen.get(s)).as("seq %d arrived", s).isNotNull();
        }
        for (String line : lines) {
            assertThat(line).startsWith("user info agent-host gapless - - ")
                    .endsWith("] relp-" + Envelopes.seqOf(line));
        }
        int duplicates = lines.size() - seen.size();
        assertThat(failures).as("the kill failed a send").isPositive();
        assertThat(duplicates).as("duplicates: at most one batch").isLessThanOrEqualTo(batchSize);
        System.out.printf("rsyslog over relp, killed and restarted: %d sent, %d arrived, %d distinct, %d duplicates,"
                + " %d failed sends%n", n, lines.size(), seen.size(), duplicates, failures);
    }

    private static TreeMap<Long, Integer> distinct(List<String> lines) {
        TreeMap<Long, Integer> seen = new TreeMap<>();
        for (String line : lines) {
            seen.merge(Envelopes.seqOf(line), 1, Integer::sum);
        }
        return seen;
    }

    private static List<String> uncheckedLines(Path file) {
        try {
            return lines(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
