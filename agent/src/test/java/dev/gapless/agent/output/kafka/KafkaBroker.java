package dev.gapless.agent.output.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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

    private final Path dir;
    private final Path properties;
    private final int port;
    private final int saslPort;
    private Process process;

    private KafkaBroker(Path dir, Path properties, int port, int saslPort) {
        this.dir = dir;
        this.properties = properties;
        this.port = port;
        this.saslPort = saslPort;
    }

    /** Formats the storage and starts the broker; returns once it answers. */
    static KafkaBroker start(Path dir, int partitions) throws Exception {
        long begin = System.nanoTime();
        int port = freePort();
        int saslPort = freePort();
        int controller = freePort();
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controller),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                        + ",CONTROLLER://127.0.0.1:" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:"
                        + saslPort),
                Map.entry("sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER + "=\""
                                + ProducerSettings.quoted(SASL_PASSWORD) + "\";"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", Integer.toString(partitions)),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0")));
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
        KafkaBroker broker = new KafkaBroker(dir, props, port, saslPort);
        broker.start();
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** The listener that takes SASL/PLAIN ({@link #SASL_USER}), without TLS. */
    int saslPort() {
        return saslPort;
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
