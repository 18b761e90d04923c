package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.kafka.KafkaSecurity;
import dev.gapless.config.tls.ClientTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog's probe of a kafka output's cluster against a real broker (KRaft, broker and controller in one child
 * JVM, on ports the OS gave) with three listeners: plain, SASL/PLAIN, and TLS with a certificate from a private CA.
 * Up, up with SASL (and a refused login counts as the cluster answering), up over TLS with the output's CA, not
 * reachable with a CA that did not sign the broker's, and down once the broker is stopped. One broker for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaProbeIT {

    private static final long READY_SECONDS = 60;
    /** The probes that should answer: long enough for a cold TLS or SASL handshake on a busy machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The probes that should not: what the verdict "down" costs. */
    private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(2);
    private static final String USER = "gapless";
    private static final String PASSWORD = "probe \"pass\"";

    @TempDir
    static Path dir;
    static TestCa ca;
    static TestCa otherCa;
    static Process broker;
    static int plainPort;
    static int saslPort;
    static int tlsPort;

    @BeforeAll
    static void startBroker() throws Exception {
        long begin = System.nanoTime();
        ca = TestCa.in(dir.resolve("ca"), "kafka-ca");
        otherCa = TestCa.in(dir.resolve("other"), "other-ca");
        TestCa.Issued cert = ca.issue("broker", "127.0.0.1");
        plainPort = freePort();
        saslPort = freePort();
        tlsPort = freePort();
        int controller = freePort();
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controller),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                        + ",SSL://127.0.0.1:" + tlsPort + ",CONTROLLER://127.0.0.1:" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:"
                        + saslPort + ",SSL://127.0.0.1:" + tlsPort),
                Map.entry("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT"),
                Map.entry("sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + USER + "=\""
                                + KafkaSecurity.quoted(PASSWORD) + "\";"),
                Map.entry("listener.name.ssl.ssl.keystore.type", "PEM"),
                Map.entry("listener.name.ssl.ssl.keystore.certificate.chain", Files.readString(cert.certFile())),
                Map.entry("listener.name.ssl.ssl.keystore.key", Files.readString(cert.keyFile())),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1")));
        Path props = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(props)) {
            p.store(out, "probe test broker");
        }
        Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", props.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(READY_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed: "
                    + Files.readString(dir.resolve("format.log")));
        }
        broker = new ProcessBuilder(java("kafka.Kafka", props.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        awaitBroker();
        System.out.printf("kafka broker formatted and answering after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.destroyForcibly();
            broker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitBroker() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plainPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (true) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + broker.exitValue() + ": "
                            + Files.readString(dir.resolve("broker.log")));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + READY_SECONDS + "s", e);
                    }
                }
            }
        }
    }

    static KafkaOutputConfig kafka(int port, Optional<ClientTls> tls, Optional<KafkaOutputConfig.Sasl> sasl) {
        return new KafkaOutputConfig("k", List.of(new HostPort("127.0.0.1", port)), "logs",
                KafkaOutputConfig.DEFAULT_KEY, KafkaOutputConfig.DEFAULT_COMPRESSION, Duration.ofSeconds(40), TIMEOUT,
                Duration.ZERO, tls, sasl, Codec.JSON_LINES, BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    static DestinationStatus probe(KafkaOutputConfig k) {
        return probe(k, TIMEOUT);
    }

    static DestinationStatus probe(KafkaOutputConfig k, Duration timeout) {
        long begin = System.nanoTime();
        DestinationStatus seen = new DestinationProbe(timeout).probe(k).orElseThrow();
        System.out.printf("kafka probe in %d ms: %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                seen.detail());
        return seen;
    }

    static KafkaOutputConfig.Sasl sasl(String password) throws IOException {
        Path file = Files.writeString(dir.resolve("password-" + password.hashCode()), password + "\n");
        return new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, USER, file);
    }

    static ClientTls tls(Path caFile) {
        return new ClientTls(Optional.of(caFile), Optional.empty(), Optional.empty(), true, Optional.empty());
    }

    @Test
    @Order(1)
    void aRunningClusterIsReachableAndListsItsBroker() {
        long rssBefore = rssKib();
        DestinationStatus seen = probe(kafka(plainPort, Optional.empty(), Optional.empty()));
        System.out.printf("this JVM's RSS before the first kafka probe %d KiB, after %d KiB%n", rssBefore, rssKib());
        assertThat(seen.reachable()).as(seen.detail()).isTrue();
        assertThat(seen.detail()).contains("1 broker(s), 127.0.0.1:" + plainPort);
    }

    @Test
    @Order(2)
    void saslLogsInWithThePasswordFileAndARefusedLoginIsTheClusterAnswering() throws Exception {
        DestinationStatus in = probe(kafka(saslPort, Optional.empty(), Optional.of(sasl(PASSWORD))));
        assertThat(in.reachable()).as(in.detail()).isTrue();
        assertThat(in.detail()).contains("1 broker(s)");
        DestinationStatus refused = probe(kafka(saslPort, Optional.empty(), Optional.of(sasl("wrong"))));
        assertThat(refused.reachable()).as(refused.detail()).isTrue();
        assertThat(refused.detail()).contains("refusing this login").doesNotContain("wrong");
    }

    @Test
    @Order(3)
    void tlsWithTheOutputsCaIsReachableAndAnotherCaIsNot() {
        DestinationStatus up = probe(kafka(tlsPort, Optional.of(tls(ca.caFile)), Optional.empty()));
        assertThat(up.reachable()).as(up.detail() + "\n" + brokerLog()).isTrue();
        DestinationStatus wrong = probe(kafka(tlsPort, Optional.of(tls(otherCa.caFile)), Optional.empty()));
        assertThat(wrong.reachable()).as(wrong.detail()).isFalse();
        assertThat(wrong.detail()).contains("TLS handshake failed");
    }

    @Test
    @Order(4)
    void aMissingPasswordFileGivesNoVerdictNamingTheFile() {
        Path missing = dir.resolve("no-password");
        var k = kafka(saslPort, Optional.empty(), Optional.of(new KafkaOutputConfig.Sasl(
                KafkaOutputConfig.Mechanism.PLAIN, USER, missing)));
        assertThatThrownBy(() -> probe(k)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("sasl.password_file " + missing);
    }

    @Test
    @Order(5)
    void aStoppedBrokerIsDownWithinTheTimeout() throws Exception {
        broker.destroyForcibly(); // a broker that vanished (SIGKILL): no graceful shutdown to wait for
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long begin = System.nanoTime();
        DestinationStatus down = probe(kafka(plainPort, Optional.empty(), Optional.empty()), DOWN_TIMEOUT);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        assertThat(down.reachable()).as(down.detail()).isFalse();
        assertThat(down.detail()).contains("127.0.0.1:" + plainPort);
        assertThat(ms).as("bounded by the timeout, and a client that closes at once").isLessThan(
                DOWN_TIMEOUT.toMillis() * 2);
    }

    /** The broker's own lines about TLS and its errors, for a failure's message. */
    private static String brokerLog() {
        try {
            return String.join("\n", Files.readAllLines(dir.resolve("broker.log")).stream()
                    .filter(l -> l.contains("SSL") || l.contains("ERROR") || l.contains("WARN")).limit(40).toList());
        } catch (IOException e) {
            return "(no broker log: " + e + ")";
        }
    }

    private static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
