package dev.gapless.agent.output.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.agent.plugin.OutputContext;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.FieldPath;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

/**
 * The kafka output against a real broker (KRaft, in a child JVM): the output worker with the real sink, events
 * read back with a real consumer. One broker for the class.
 */
class KafkaOutputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENTS = 500;

    @TempDir
    static Path brokerDir;
    private static KafkaBroker broker;

    @TempDir
    Path dir;
    private Journal journal;
    private OutputWorker worker;
    private final UUID agentId = UUID.randomUUID();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir, 3);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void openJournal() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"), TestJournals.config(ByteSize.ofMebibytes(256),
                ByteSize.ofMebibytes(8)));
    }

    @AfterEach
    void closeAll() {
        if (worker != null) {
            worker.close();
        }
        journal.close();
    }

    private KafkaOutputConfig config(String topic, Duration delivery, Duration request) {
        return new KafkaOutputConfig("bus", List.of(new HostPort("127.0.0.1", broker.port())), topic,
                KafkaOutputConfig.Key.AGENT_SEQ, KafkaOutputConfig.DEFAULT_COMPRESSION, delivery, request,
                Duration.ofMillis(5), Optional.empty(), Optional.empty(), KafkaOutputConfig.DEFAULT_CODEC,
                new BatchConfig(MAX_EVENTS, ByteSize.ofMebibytes(1), Duration.ofMillis(5)),
                new RetryConfig(Duration.ofMillis(200), Duration.ofSeconds(1)));
    }

    private OutputWorker worker(KafkaOutputConfig c) throws Exception {
        CursorStore cursor = new CursorStore(dir.resolve("bus.cursor"), true);
        OutputStatus status = new OutputStatus(c.id(), c.type(), "kafka");
        worker = new OutputWorker(new OutputWorker.Parts(c.id(), journal,
                new KafkaOutputFactory().create(c, new OutputContext(null, Clock.systemUTC(), agentId)),
                new EnvelopeEncoder(agentId, "test-host", journal::durableSeq), cursor,
                dir.resolve("dead-letter").resolve("bus.ndjson"), c.batch(), new Backoff(c.retry()),
                Clock.systemUTC(), Failpoints.none(), status), cursor.load());
        worker.start();
        return worker;
    }

    /** Creates the topic and waits until its partitions have a leader (a first send then goes at once). */
    private static void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " has partitions without a leader after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private long append(int from, int count, int padding) throws Exception {
        List<Event> events = new ArrayList<>(count);
        long now = System.currentTimeMillis() * 1_000_000;
        for (int i = from; i < from + count; i++) {
            events.add(Event.line("app", -1, now, ("event " + i + " " + "x".repeat(padding))
                    .getBytes(StandardCharsets.UTF_8), 0));
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

    /** What a consumer reads back from the topic: each event seq seen (and how often), the other records' kinds. */
    private static final class ReadBack {
        final BitSet seen = new BitSet();
        long events;
        long duplicates;
        final List<JsonNode> others = new ArrayList<>();
        final List<String> badKeys = new ArrayList<>();
    }

    private ReadBack readBack(String topic, long expectedEvents, Duration limit) throws Exception {
        ReadBack r = new ReadBack();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + limit.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode v = JSON.readTree(rec.value());
                    if (!"event".equals(v.get("kind").asText())) {
                        r.others.add(v);
                        continue;
                    }
                    long seq = v.get("seq").asLong();
                    String key = new String(rec.key(), StandardCharsets.UTF_8);
                    if (!key.equals(agentId + ":" + seq)) {
                        r.badKeys.add(key);
                    }
                    r.events++;
                    if (r.seen.get((int) seq)) {
                        r.duplicates++;
                    }
                    r.seen.set((int) seq);
                }
            }
        }
        assertThat(r.seen.cardinality()).as("distinct events read back").isGreaterThanOrEqualTo(
                (int) Math.min(expectedEvents, Integer.MAX_VALUE));
        return r;
    }

    @Test
    void deliversEveryEventThroughABrokerOutageLongerThanTheDeliveryTimeout() throws Exception {
        int total = 100_000;
        int chunk = 1_000;
        // The producer gives up after 10 s, during a 20 s outage: the output's own retry is what recovers.
        KafkaOutputConfig c = config("logs", Duration.ofSeconds(10), Duration.ofSeconds(3));
        createTopic("logs", 3, Map.of());
        OutputWorker w = worker(c);
        long start = System.nanoTime();
        long last = 0;
        int appended = 0;
        // a stream, not a backlog: 1,000 events every 100 ms, with the outage in the middle of it
        while (appended < 10_000) {
            last = append(appended, chunk, 40);
            appended += chunk;
            Thread.sleep(100);
        }
        long acked = last;
        await("the first events delivered", Duration.ofSeconds(60), () -> w.status().ackedSeq >= acked / 2);
        long ackedBeforeOutage = w.status().ackedSeq;
        broker.stop();
        long outageStart = System.nanoTime();
        long outageEnd = outageStart + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < outageEnd) {
            if (appended < total) {
                last = append(appended, chunk, 40);
                appended += chunk;
            }
            Thread.sleep(200);
        }
        await("a send failed while the broker was down", Duration.ofSeconds(30),
                () -> w.status().failedAttempts.sum() > 0);
        long failedDuringOutage = w.status().failedAttempts.sum();
        String errorDuringOutage = w.status().lastErrorKind + " " + w.status().lastError;
        long ackedDuringOutage = w.status().ackedSeq;
        broker.start();
        long outageSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStart);
        while (appended < total) {
            last = append(appended, chunk, 40);
            appended += chunk;
            Thread.sleep(50);
        }
        long lastSeq = last;
        await("every event acknowledged", Duration.ofSeconds(120), () -> w.status().ackedSeq >= lastSeq);
        long deliveredSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        ReadBack r = readBack("logs", total, Duration.ofSeconds(90));
        long failed = w.status().failedAttempts.sum();
        System.out.printf("kafka outage: %d events, broker down %d s (delivery_timeout %d s), acked %d before and "
                + "%d during the outage, %d failed attempts (first: %s), all acknowledged after %d s; read back %d "
                + "records, %d distinct, %d duplicates (bound: failed attempts x %d = %d)%n", total, outageSeconds,
                c.deliveryTimeout().toSeconds(), ackedBeforeOutage, ackedDuringOutage - ackedBeforeOutage, failed,
                errorDuringOutage, deliveredSeconds, r.events, r.seen.cardinality(), r.duplicates, MAX_EVENTS,
                failed * MAX_EVENTS);

        assertThat(lastSeq).isEqualTo(total);
        assertThat(r.seen.nextClearBit(1)).as("first seq missing").isEqualTo(total + 1);
        assertThat(r.seen.cardinality()).isEqualTo(total);
        assertThat(r.badKeys).as("keys other than <agent_id>:<seq>").isEmpty();
        assertThat(r.others).as("no loss marker").isEmpty();
        assertThat(failedDuringOutage).isPositive();
        assertThat(errorDuringOutage).contains("TimeoutException");
        // a failed attempt may have been written in part before its acknowledgement was lost: that part comes twice
        assertThat(r.duplicates).isLessThanOrEqualTo(failed * MAX_EVENTS);
        assertThat(w.status().rejectedRecords.sum()).isZero();
    }

    @Test
    void authenticatesWithSaslPlainAndRetriesWrongCredentialsForeverWithAnError() throws Exception {
        createTopic("secured", 1, Map.of());
        long last = append(1, 100, 10);
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not the password\n");
        Path right = dir.resolve("password");
        Files.writeString(right, KafkaBroker.SASL_PASSWORD + "\n");
        KafkaOutputConfig plain = config("secured", Duration.ofSeconds(10), Duration.ofSeconds(3));

        OutputWorker refused = worker(sasl(plain, wrong));
        await("a refused attempt", Duration.ofSeconds(60), () -> refused.status().failedAttempts.sum() >= 2);
        OutputStatus seen = refused.status();
        System.out.printf("kafka sasl: wrong password: %d failed attempts, %s %s%n", seen.failedAttempts.sum(),
                seen.lastErrorKind, seen.lastError);
        assertThat(seen.lastErrorKind).isEqualTo(dev.gapless.agent.output.Outcome.ErrorKind.REFUSED);
        assertThat(seen.lastError).contains("SaslAuthenticationException").doesNotContain("not the password");
        assertThat(seen.ackedSeq).isZero();
        refused.close();
        worker = null;

        OutputWorker w = worker(sasl(plain, right));
        await("every event delivered with the right password", Duration.ofSeconds(60),
                () -> w.status().ackedSeq >= last);
        ReadBack r = readBack("secured", 100, Duration.ofSeconds(30));
        assertThat(r.seen.cardinality()).isEqualTo(100);
        assertThat(r.badKeys).isEmpty();
    }

    private static KafkaOutputConfig sasl(KafkaOutputConfig c, Path passwordFile) {
        return new KafkaOutputConfig(c.id(), List.of(new HostPort("127.0.0.1", broker.saslPort())), c.topic(),
                c.key(), c.compression(), c.deliveryTimeout(), c.requestTimeout(), c.linger(), Optional.empty(),
                Optional.of(new KafkaOutputConfig.Sasl(KafkaOutputConfig.Mechanism.PLAIN, KafkaBroker.SASL_USER,
                        passwordFile)), c.codec(), c.batch(), c.retry());
    }

    @Test
    void anEventTooLargeForTheTopicIsDeadLetteredAndTheEventsAroundItDelivered() throws Exception {
        createTopic("tight", 1, Map.of("max.message.bytes", "2000"));
        append(1, 5, 100);
        long big = append(6, 1, 5_000);
        long last = append(7, 5, 100);
        OutputWorker w = worker(config("tight", Duration.ofSeconds(20), Duration.ofSeconds(5)));
        await("every event passed", Duration.ofSeconds(60), () -> w.status().ackedSeq >= last);

        ReadBack r = readBack("tight", 10, Duration.ofSeconds(30));
        List<String> deadLetters = Files.readAllLines(dir.resolve("dead-letter").resolve("bus.ndjson"));
        System.out.printf("kafka too large: %d events read back (%d distinct), %d dead-lettered, %d other records%n",
                r.events, r.seen.cardinality(), deadLetters.size(), r.others.size());

        BitSet expected = new BitSet();
        expected.set(1, (int) last + 1);
        expected.clear((int) big);
        assertThat(r.seen).isEqualTo(expected);
        assertThat(w.status().rejectedRecords.sum()).isEqualTo(1);
        assertThat(deadLetters).singleElement().asString().contains("event 6 xxxx").contains("RecordTooLarge");
        assertThat(r.others).as("the loss marker of the refused event").singleElement()
                .satisfies(m -> assertThat(m.get("kind").asText()).isEqualTo("loss"));
    }

    @Test
    void routesEachEventToTheTopicAndKeyItsFieldNamesWithSeveralBatchesInFlight() throws Exception {
        for (String t : List.of("route-red", "route-blue", "route-default")) {
            createTopic(t, 2, Map.of());
        }
        long now = System.currentTimeMillis() * 1_000_000;
        long last = 0;
        for (int chunk = 0; chunk < 30; chunk++) { // one source per append, the sources in turn
            // the source is the routing field; "route/bad" is no topic name, so its events go to the static topic
            String source = chunk % 3 == 0 ? "route-red" : chunk % 3 == 1 ? "route-blue" : "route/bad";
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(Event.line(source, -1, now, ("event " + chunk + "." + i).getBytes(StandardCharsets.UTF_8),
                        0));
            }
            last = journal.append(TestBatches.of(events)).lastSeq();
        }
        journal.whenDurable(last).get(30, TimeUnit.SECONDS);
        long lastSeq = last;
        KafkaOutputConfig base = config("route-default", Duration.ofSeconds(20), Duration.ofSeconds(5));
        FieldPath source = FieldPath.parse("source");
        KafkaOutputConfig routed = new KafkaOutputConfig(base.id(), base.bootstrapServers(), base.topic(), base.key(),
                base.compression(), base.deliveryTimeout(), base.requestTimeout(), base.linger(), base.tls(),
                base.sasl(), base.codec(), new BatchConfig(100, ByteSize.ofMebibytes(1), Duration.ofMillis(5), 4),
                base.retry(), new KafkaOutputConfig.Routing(Optional.of(source), Optional.of(source)));
        OutputWorker w = worker(routed);
        await("every event passed", Duration.ofSeconds(60), () -> w.status().ackedSeq >= lastSeq);

        // topic -> key -> distinct seqs (a retried batch may bring a record twice: counted once)
        Map<String, Map<String, java.util.Set<Long>>> keysByTopic = new java.util.TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : List.of("route-red", "route-blue", "route-default")) {
                consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode v = JSON.readTree(rec.value());
                    if ("event".equals(v.get("kind").asText())) {
                        keysByTopic.computeIfAbsent(rec.topic(), t -> new java.util.TreeMap<>())
                                .computeIfAbsent(new String(rec.key(), StandardCharsets.UTF_8),
                                        k -> new java.util.HashSet<>()).add(v.get("seq").asLong());
                    }
                }
            }
        }
        Map<String, Map<String, Integer>> counts = new java.util.TreeMap<>();
        keysByTopic.forEach((t, keys) -> keys.forEach((k, seqs) ->
                counts.computeIfAbsent(t, x -> new java.util.TreeMap<>()).put(k, seqs.size())));
        System.out.printf("kafka routing: %s (distinct events per topic and key; up to 4 batches in flight)%n", counts);
        assertThat(counts).isEqualTo(Map.of("route-red", Map.of("route-red", 1000),
                "route-blue", Map.of("route-blue", 1000), "route-default", Map.of("route/bad", 1000)));
    }
}
