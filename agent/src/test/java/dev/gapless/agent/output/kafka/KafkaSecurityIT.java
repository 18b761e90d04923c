package dev.gapless.agent.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.tls.ClientTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The kafka output's TLS and SASL against one real broker (KRaft, in a child JVM) with a listener per kind:
 * SSL, SSL with a required client certificate, SASL_SSL with SCRAM-SHA-256 and -512, SASL_PLAINTEXT with PLAIN.
 * Events go through the output worker and the real sink and are read back by a consumer with the same security,
 * configured here by hand. Kafka's and the agent's logs, down to INFO, are captured to check that no password
 * shows in them.
 */
class KafkaSecurityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** SCRAM user on the SASL_SSL listener; the password has what a JAAS line must escape and SCRAM must encode. */
    private static final String SCRAM_USER = "gapless-scram";
    private static final String SCRAM_PASSWORD = "pa ss \"w\\rd\" =,;";

    @TempDir
    static Path brokerDir;
    private static KafkaBroker broker;
    private static TestCertificates certs;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final List<String> CAPTURED = List.of("org.apache.kafka", "dev.gapless");

    @TempDir
    Path dir;
    private Journal journal;
    private OutputWorker worker;
    private final UUID agentId = UUID.randomUUID();

    @BeforeAll
    static void startBroker() throws Exception {
        LOGS.start();
        for (String name : CAPTURED) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.setLevel(Level.INFO);
            logger.setAdditive(false); // INFO stays out of the build's output; WARN and up are printed at the end
            logger.addAppender(LOGS);
        }
        certs = TestCertificates.in(brokerDir.resolve("certs"));
        broker = KafkaBroker.startSecured(brokerDir, 1, certs);
        long begin = System.nanoTime();
        for (ScramMechanism m : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
            broker.addScramUser(m, SCRAM_USER, SCRAM_PASSWORD, certs);
        }
        System.out.printf("kafka security: SCRAM users usable after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
        for (String name : CAPTURED) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.detachAppender(LOGS);
            logger.setLevel(null);
            logger.setAdditive(true);
        }
        List<ILoggingEvent> warnings = logs().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        System.out.printf("kafka security: %d log lines captured, %d at WARN or above%n", logs().size(),
                warnings.size());
        warnings.stream().limit(20).forEach(e -> System.out.println("  " + e.getLevel() + " " + e.getLoggerName()
                + " " + e.getFormattedMessage()));
    }

    @BeforeEach
    void openJournal() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"), TestJournals.config(ByteSize.ofMebibytes(64),
                ByteSize.ofMebibytes(8)));
    }

    @AfterEach
    void closeAll() {
        if (worker != null) {
            worker.close();
        }
        journal.close();
    }

    /** How a client reaches one listener. */
    enum Listener {
        SSL(KafkaBroker.SSL, true, false, null),
        MTLS(KafkaBroker.MTLS, true, true, null),
        SASL_SSL_SCRAM_SHA_512(KafkaBroker.SASL_SSL, true, false, KafkaOutputConfig.Mechanism.SCRAM_SHA_512),
        SASL_SSL_SCRAM_SHA_256(KafkaBroker.SASL_SSL, true, false, KafkaOutputConfig.Mechanism.SCRAM_SHA_256),
        SASL_PLAINTEXT_PLAIN(KafkaBroker.SASL_PLAINTEXT, false, false, KafkaOutputConfig.Mechanism.PLAIN);

        final String name;
        final boolean tls;
        final boolean clientCertificate;
        final KafkaOutputConfig.Mechanism mechanism;

        Listener(String name, boolean tls, boolean clientCertificate, KafkaOutputConfig.Mechanism mechanism) {
            this.name = name;
            this.tls = tls;
            this.clientCertificate = clientCertificate;
            this.mechanism = mechanism;
        }

        String user() {
            return mechanism == KafkaOutputConfig.Mechanism.PLAIN ? KafkaBroker.SASL_USER : SCRAM_USER;
        }

        String password() {
            return mechanism == KafkaOutputConfig.Mechanism.PLAIN ? KafkaBroker.SASL_PASSWORD : SCRAM_PASSWORD;
        }
    }

    /** The output's config for {@code listener}: the CA given, the password from {@code passwordFile}. */
    private static KafkaOutputConfig config(Listener listener, String topic, Path caFile, Path passwordFile) {
        Optional<ClientTls> tls = listener.tls ? Optional.of(new ClientTls(Optional.of(caFile),
                listener.clientCertificate ? Optional.of(certs.clientCert) : Optional.empty(),
                listener.clientCertificate ? Optional.of(certs.clientKey) : Optional.empty(), true, Optional.empty()))
                : Optional.empty();
        Optional<KafkaOutputConfig.Sasl> sasl = Optional.ofNullable(listener.mechanism)
                .map(m -> new KafkaOutputConfig.Sasl(m, listener.user(), passwordFile));
        return new KafkaOutputConfig("bus", List.of(new HostPort("127.0.0.1", broker.port(listener.name))), topic,
                KafkaOutputConfig.Key.AGENT_SEQ, KafkaOutputConfig.DEFAULT_COMPRESSION, Duration.ofSeconds(10),
                Duration.ofSeconds(3), Duration.ofMillis(5), tls, sasl, KafkaOutputConfig.DEFAULT_CODEC,
                new BatchConfig(200, ByteSize.ofMebibytes(1), Duration.ofMillis(5)),
                new RetryConfig(Duration.ofMillis(200), Duration.ofSeconds(1)));
    }

    /** A consumer's settings for {@code listener}, written out as a Kafka user would, not taken from the output. */
    private static Map<String, Object> consumerSecurity(Listener listener) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + broker.port(listener.name));
        c.put("security.protocol", listener.mechanism == null ? "SSL" : listener.tls ? "SASL_SSL" : "SASL_PLAINTEXT");
        if (listener.tls) {
            c.put("ssl.truststore.type", "PEM");
            c.put("ssl.truststore.location", certs.caFile.toString());
        }
        if (listener.clientCertificate) {
            c.put("ssl.keystore.type", "PEM");
            c.put("ssl.keystore.certificate.chain", Files.readString(certs.clientCert));
            c.put("ssl.keystore.key", Files.readString(certs.clientKey));
        }
        if (listener.mechanism != null) {
            c.put("sasl.mechanism", listener.mechanism.kafkaName());
            String module = listener.mechanism == KafkaOutputConfig.Mechanism.PLAIN
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            c.put("sasl.jaas.config", module + " required username=\"" + listener.user() + "\" password=\""
                    + listener.password().replace("\\", "\\\\").replace("\"", "\\\"") + "\";");
        }
        return c;
    }

    private OutputWorker worker(KafkaOutputConfig c) throws Exception {
        CursorStore cursor = new CursorStore(dir.resolve(c.id() + ".cursor"), true);
        OutputStatus status = new OutputStatus(c.id(), c.type(), "kafka");
        worker = new OutputWorker(new OutputWorker.Parts(c.id(), journal,
                new KafkaOutputFactory().create(c, new OutputContext(null, Clock.systemUTC(), agentId)),
                new EnvelopeEncoder(agentId, "test-host", journal::durableSeq), cursor,
                dir.resolve("dead-letter").resolve(c.id() + ".ndjson"), c.batch(), new Backoff(c.retry()),
                Clock.systemUTC(), Failpoints.none(), status), cursor.load());
        worker.start();
        return worker;
    }

    /** Creates the topic (the broker creates none on first use) and waits until its partition has a leader. */
    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            await("topic " + topic + " has a leader", Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                            .partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private long append(int count) throws Exception {
        List<Event> events = new ArrayList<>(count);
        long now = System.currentTimeMillis() * 1_000_000;
        for (int i = 0; i < count; i++) {
            events.add(Event.line("app", -1, now, ("event " + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get(30, TimeUnit.SECONDS);
        return last;
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The distinct event seqs a consumer with {@code listener}'s security reads back from the topic. */
    private BitSet readBack(Listener listener, String topic, long expected) throws Exception {
        Map<String, Object> c = consumerSecurity(listener);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        BitSet seen = new BitSet();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode v = JSON.readTree(rec.value());
                    assertThat(v.get("kind").asText()).isEqualTo("event");
                    long seq = v.get("seq").asLong();
                    assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(agentId + ":" + seq);
                    seen.set((int) seq);
                }
            }
        }
        assertThat(seen.cardinality()).as("distinct events read back").isEqualTo((int) expected);
        assertThat(seen.nextClearBit(1)).as("first seq missing").isEqualTo((int) expected + 1);
        return seen;
    }

    private Path passwordFile(String name, String password) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, password + "\n");
        return f;
    }

    private static List<ILoggingEvent> logs() {
        synchronized (LOGS) {
            return new ArrayList<>(LOGS.list);
        }
    }

    /** No captured log line, nor {@code texts}, holds either test password. */
    private static void noPasswordIn(String... texts) {
        List<String> all = new ArrayList<>(java.util.Arrays.asList(texts));
        for (ILoggingEvent e : logs()) {
            all.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                all.add(e.getThrowableProxy().getMessage());
            }
        }
        for (String secret : List.of(SCRAM_PASSWORD, KafkaBroker.SASL_PASSWORD, "wrong horse battery")) {
            assertThat(all).as("texts holding a password").noneMatch(t -> t != null && t.contains(secret));
        }
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void deliversEveryEventOverTheListenerAndAConsumerWithTheSameSecurityReadsThemBack(Listener listener)
            throws Exception {
        String topic = "sec-" + listener.name().toLowerCase(Locale.ROOT).replace('_', '-');
        createTopic(topic);
        long last = append(500);
        Path password = listener.mechanism == null ? null : passwordFile("password", listener.password());
        long begin = System.nanoTime();
        OutputWorker w = worker(config(listener, topic, certs.caFile, password));
        await("every event acknowledged over " + listener, Duration.ofSeconds(60), () -> w.status().ackedSeq >= last);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        BitSet seen = readBack(listener, topic, last);
        System.out.printf("kafka security: %s (port %d): %d events acknowledged in %d ms, %d failed attempts, "
                + "%d read back%n", listener, broker.port(listener.name), last, millis,
                w.status().failedAttempts.sum(), seen.cardinality());
        assertThat(w.status().rejectedRecords.sum()).isZero();
        noPasswordIn(w.status().lastError);
    }

    @Test
    void aWrongScramPasswordIsRetriedAsRefusedWithoutShowingItAndTheFixedFileIsReadOnTheNextTry()
            throws Exception {
        String topic = "sec-wrong-password";
        createTopic(topic);
        long last = append(300);
        Path password = passwordFile("password", "wrong horse battery");
        OutputWorker w = worker(config(Listener.SASL_SSL_SCRAM_SHA_512, topic, certs.caFile, password));
        await("two refused attempts", Duration.ofSeconds(60), () -> w.status().failedAttempts.sum() >= 2);
        OutputStatus seen = w.status();
        String error = seen.lastErrorKind + " " + seen.lastError;
        System.out.printf("kafka security: wrong SCRAM password: %d failed attempts, %s%n",
                seen.failedAttempts.sum(), error);
        assertThat(seen.lastErrorKind).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(seen.lastError).contains("SaslAuthenticationException").contains("SCRAM-SHA-512")
                .contains("Authentication failed");
        assertThat(seen.ackedSeq).isZero();
        assertThat(seen.rejectedRecords.sum()).as("never rejected: nothing dead-lettered").isZero();
        assertThat(logs()).as("an ERROR: an operator must act").anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().contains("SaslAuthenticationException"));

        // the operator fixes the file (atomically, as a secret manager does); the running output picks it up
        Path fixed = passwordFile("password.new", SCRAM_PASSWORD);
        Files.move(fixed, password, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long fixedAt = System.nanoTime();
        await("every event acknowledged once the password is right", Duration.ofSeconds(60),
                () -> w.status().ackedSeq >= last);
        System.out.printf("kafka security: password file fixed: all %d events acknowledged %d ms later, %d failed "
                + "attempts in all%n", last, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fixedAt),
                w.status().failedAttempts.sum());
        readBack(Listener.SASL_SSL_SCRAM_SHA_512, topic, last);
        assertThat(w.status().rejectedRecords.sum()).isZero();
        noPasswordIn(error);
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsATlsErrorRetried() throws Exception {
        String topic = "sec-untrusted";
        createTopic(topic);
        long last = append(50);
        TestCertificates other = TestCertificates.in(dir.resolve("other-ca"));
        OutputWorker w = worker(config(Listener.SSL, topic, other.caFile, null));
        await("two failed attempts", Duration.ofSeconds(60), () -> w.status().failedAttempts.sum() >= 2);
        OutputStatus seen = w.status();
        System.out.printf("kafka security: untrusted CA: %d failed attempts, %s %s%n", seen.failedAttempts.sum(),
                seen.lastErrorKind, seen.lastError);
        assertThat(seen.lastErrorKind).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(seen.lastError).contains("SslAuthenticationException").contains("SSL handshake failed")
                .containsPattern("PKIX path (building|validation) failed");
        assertThat(logs()).as("an ERROR saying why").anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().contains("PKIX path"));
        assertThat(seen.ackedSeq).isZero();
        assertThat(seen.rejectedRecords.sum()).isZero();
        assertThat(last).isEqualTo(50);
    }

    @Test
    void noClientCertificateWhereTheBrokerRequiresOneIsATlsErrorRetried() throws Exception {
        String topic = "sec-no-client-cert";
        createTopic(topic);
        append(50);
        // the CA is right, but no cert_file: the MTLS listener requires one
        OutputWorker w = worker(withServer(config(Listener.SSL, topic, certs.caFile, null),
                broker.port(KafkaBroker.MTLS)));
        await("two failed attempts", Duration.ofSeconds(60), () -> w.status().failedAttempts.sum() >= 2);
        OutputStatus seen = w.status();
        System.out.printf("kafka security: no client certificate: %d failed attempts, %s %s%n",
                seen.failedAttempts.sum(), seen.lastErrorKind, seen.lastError);
        assertThat(seen.lastErrorKind).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(seen.lastError).contains("SslAuthenticationException").contains("bad_certificate");
        assertThat(seen.ackedSeq).isZero();
        assertThat(seen.rejectedRecords.sum()).isZero();
    }

    @Test
    void aTopicTheClusterDoesNotHaveIsRetriedSayingSo() throws Exception {
        long last = append(50);
        OutputWorker w = worker(config(Listener.SSL, "sec-absent", certs.caFile, null));
        await("two failed attempts", Duration.ofSeconds(60), () -> w.status().failedAttempts.sum() >= 2);
        OutputStatus seen = w.status();
        System.out.printf("kafka security: absent topic: %d failed attempts, %s %s%n", seen.failedAttempts.sum(),
                seen.lastErrorKind, seen.lastError);
        assertThat(seen.lastErrorKind).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(seen.lastError).contains("has no such topic, and creates none on first use")
                .contains("Topic sec-absent not present in metadata");
        assertThat(logs()).as("an ERROR: an operator must act").anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().contains("NoSuchTopicException"));
        assertThat(seen.ackedSeq).isZero();
        assertThat(seen.rejectedRecords.sum()).isZero();

        createTopic("sec-absent");
        await("every event acknowledged once the topic exists", Duration.ofSeconds(60),
                () -> w.status().ackedSeq >= last);
        readBack(Listener.SSL, "sec-absent", last);
    }

    private static KafkaOutputConfig withServer(KafkaOutputConfig c, int port) {
        return new KafkaOutputConfig(c.id(), List.of(new HostPort("127.0.0.1", port)), c.topic(), c.key(),
                c.compression(), c.deliveryTimeout(), c.requestTimeout(), c.linger(), c.tls(), c.sasl(), c.codec(),
                c.batch(), c.retry());
    }
}
