package dev.gapless.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka cluster (KRaft, broker and controller in this JVM) for bench/output-bench.sh, on
 * 127.0.0.1 with ports from the OS. Run with the bench module's class path ({@code bench/target/classpath.txt}):
 *
 * <pre>
 *   KafkaNode run DIR PARTITIONS          the first time: writes DIR/server.properties (ports from the OS) and
 *                                         formats DIR/data; then runs the broker until SIGTERM. Writes DIR/ready
 *                                         (the bootstrap address) once it answers. Run again on the same DIR: the
 *                                         same ports and data, as after a broker restart.
 *   KafkaNode topic BOOTSTRAP TOPIC PARTITIONS   creates the topic and returns once every partition has a leader
 *   KafkaNode drop BOOTSTRAP TOPIC               deletes the topic (a run's records, once checked)
 * </pre>
 */
public final class KafkaNode {

    private static final long READY_SECONDS = 90;

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "run" -> run(Path.of(args[1]).toAbsolutePath(), Integer.parseInt(args[2]));
            case "topic" -> topic(args[1], args[2], Integer.parseInt(args[3]));
            case "drop" -> drop(args[1], args[2]);
            default -> throw new IllegalArgumentException("usage: KafkaNode run|topic|drop ...");
        }
    }

    private static void run(Path dir, int partitions) throws Exception {
        Path props = dir.resolve("server.properties");
        Path ready = dir.resolve("ready");
        Files.deleteIfExists(ready);
        if (!Files.exists(props)) {
            prepare(dir, props, partitions);
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(props)) {
            p.load(in);
        }
        String bootstrap = p.getProperty("advertised.listeners").replace("PLAINTEXT://", "");
        Thread watcher = new Thread(() -> announce(bootstrap, ready), "kafka-node-ready");
        watcher.setDaemon(true);
        watcher.start();
        kafka.Kafka.main(new String[] {props.toString()}); // returns (or exits) when the broker shuts down
    }

    private static void prepare(Path dir, Path props, int partitions) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        int controller = freePort();
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controller),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", Integer.toString(partitions)),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0")));
        Path tmp = dir.resolve("server.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "bench broker");
        }
        // StorageTool ends its JVM when done: it runs as a child on the same class path.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", tmp.toString()));
        Process format = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(READY_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed: "
                    + Files.readString(dir.resolve("format.log")));
        }
        Files.move(tmp, props, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes the ready file once the cluster answers (within READY_SECONDS; else the broker is left to the script). */
    private static void announce(String bootstrap, Path ready) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    Path tmp = Path.of(ready + ".tmp");
                    Files.writeString(tmp, bootstrap + "\n");
                    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet: asked again until the deadline
                }
            }
            System.err.println("the broker did not answer within " + READY_SECONDS + " s");
        } catch (IOException | InterruptedException e) {
            System.err.println("announcing the broker failed: " + e);
        }
    }

    private static void topic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
            while (admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader");
                }
                Thread.sleep(50); // leader election in progress: asked again until the deadline
            }
        }
    }

    private static void drop(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
