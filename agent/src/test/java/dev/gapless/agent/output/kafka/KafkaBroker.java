package dev.gapless.agent.output.kafka;

import dev.gapless.agent.net.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka cluster (KRaft: broker and controller in one process) in a child JVM, on ports the OS
 * gave, with its data in a test folder. {@link #stop()} ends the process; {@link #start()} starts it again on the
 * same ports with the same data, as after a broker restart. The child's output goes to {@code broker.log}.
 */
final class KafkaBroker implements AutoCloseable {

    private static final long READY_SECONDS = 60;

    /** The SASL/PLAIN user the broker knows on its SASL listener, and its password. */
    static final String SASL_USER = "gapless";
    static final String SASL_PASSWORD = "s3cret \"quoted\"";

    /** Listener names, as in the broker's properties; {@link #MTLS} is SSL requiring a client certificate. */
    static final String PLAINTEXT = "PLAINTEXT";
    static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";
    static final String SSL = "SSL";
    static final String SASL_SSL = "SASL_SSL";
    static final String MTLS = "MTLS";

    private final Path dir;
    private final Path properties;
    private final Map<String, Integer> ports;
    private Process process;

    private KafkaBroker(Path dir, Path properties, Map<String, Integer> ports) {
        this.dir = dir;
        this.properties = properties;
        this.ports = Map.copyOf(ports);
    }

    /** Formats the storage and starts the broker; returns once it answers. */
    static KafkaBroker start(Path dir, int partitions) throws Exception {
        return start(dir, partitions, null);
    }

    /**
     * Formats the storage and starts the broker with, besides its PLAINTEXT and SASL_PLAINTEXT (PLAIN) listeners, the
     * TLS ones: {@link #SSL} (server certificate from {@code certs}), {@link #SASL_SSL} (SCRAM-SHA-256 and -512, users
     * made with {@link #addScramUser}) and {@link #MTLS} (TLS with a client certificate the CA signed, required).
     * Topics are not created on first use.
     */
    static KafkaBroker startSecured(Path dir, int partitions, TestCertificates certs) throws Exception {
        return start(dir, partitions, certs);
    }

    private static KafkaBroker start(Path dir, int partitions, TestCertificates certs) throws Exception {
        long begin = System.nanoTime();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(PLAINTEXT, freePort());
        ports.put(SASL_PLAINTEXT, freePort());
        if (certs != null) {
            for (String name : List.of(SSL, SASL_SSL, MTLS)) {
                ports.put(name, freePort());
            }
        }
        int controller = freePort();
        String listeners = ports.entrySet().stream().map(e -> e.getKey() + "://127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        String protocols = ports.keySet().stream().map(n -> n + ":" + (n.equals(MTLS) ? SSL : n))
                .collect(Collectors.joining(","));
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controller),
                Map.entry("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controller),
                Map.entry("advertised.listeners", listeners),
                Map.entry("sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER + "=\""
                                + ProducerSettings.quoted(SASL_PASSWORD) + "\";"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", protocols + ",CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", Integer.toString(partitions)),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0")));
        if (certs != null) {
            // Every TLS listener presents the server certificate (PEM, given inline) and trusts the test CA.
            p.put("ssl.keystore.type", "PEM");
            p.put("ssl.keystore.certificate.chain", Files.readString(certs.serverCert));
            p.put("ssl.keystore.key", Files.readString(certs.serverKey));
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.certificates", Files.readString(certs.caFile));
            p.put("listener.name.mtls.ssl.client.auth", "required");
            p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
            for (String m : List.of("scram-sha-256", "scram-sha-512")) {
                p.put("listener.name.sasl_ssl." + m + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
            p.put("auto.create.topics.enable", "false");
        }
        Path props = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(props)) {
            p.store(out, "test broker");
        }
        Process format = new ProcessBuilder(javaCommand("kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", props.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(READY_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed: "
                    + Files.readString(dir.resolve("format.log")));
        }
        System.out.printf("kafka storage formatted in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        KafkaBroker broker = new KafkaBroker(dir, props, ports);
        broker.start();
        return broker;
    }

    /** The PLAINTEXT listener, which the tests' admin clients use. */
    String bootstrap() {
        return "127.0.0.1:" + port();
    }

    int port() {
        return port(PLAINTEXT);
    }

    /** The listener that takes SASL/PLAIN ({@link #SASL_USER}), without TLS. */
    int saslPort() {
        return port(SASL_PLAINTEXT);
    }

    /** The port of the listener named so; TLS listeners only on a broker from {@link #startSecured}. */
    int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("no listener " + listener + " on this broker");
        }
        return port;
    }

    /**
     * Gives {@code user} a SCRAM credential for {@code mechanism} (through the PLAINTEXT listener) and waits until the
     * broker has it: until the user can authenticate on the SASL_SSL listener.
     */
    void addScramUser(ScramMechanism mechanism, String user, String password, TestCertificates certs)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(mechanism, 4096), password))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> c = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + port(SASL_SSL), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                "security.protocol", "SASL_SSL", "sasl.mechanism", mechanism.mechanismName(),
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + ProducerSettings.quoted(user) + "\" password=\"" + ProducerSettings.quoted(password) + "\";",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", certs.caFile.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        try (Admin admin = Admin.create(c)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(user + " cannot authenticate with " + mechanism
                                + " within " + READY_SECONDS + "s", e);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Starts the broker process (again) and waits until the cluster answers. */
    void start() throws Exception {
        long begin = System.nanoTime();
        process = new ProcessBuilder(javaCommand("kafka.Kafka", properties.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + ": "
                            + Files.readString(dir.resolve("broker.log")));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    System.out.printf("kafka broker on %s answers after %d ms%n", bootstrap(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + READY_SECONDS + "s", e);
                    }
                }
            }
        }
    }

    /** Stops the broker process (SIGTERM, then SIGKILL after a while) and waits until it is gone. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        long begin = System.nanoTime();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        process = null;
        System.out.printf("kafka broker stopped in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    private static List<String> javaCommand(String mainClass, String... args) {
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
