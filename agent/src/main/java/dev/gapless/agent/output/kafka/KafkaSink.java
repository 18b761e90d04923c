package dev.gapless.agent.output.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.codec.EnvelopeFields;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Frames;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.kafka.KafkaOutputConfig;
import dev.gapless.config.output.kafka.KafkaOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces each event of a batch as one Kafka record (value: the event's encoded line without its newline; key:
 * {@code <agent_id>:<seq>} or none) and answers once the producer's callback of every record is in: all
 * acknowledged by the in-sync replicas, delivered; else the outcome of the failures ({@link KafkaErrors}), and the
 * worker resends the whole batch (records of it the cluster already has are then duplicated; within one producer
 * session the producer's own retries are not). The cursor moves only from these callbacks, through the outcome.
 *
 * <p>The records are handed to the producer on the sink's own thread, since handing over blocks while the
 * cluster's metadata is unknown or the producer's buffer is full (up to {@code request_timeout}); a send is failed
 * by the sink itself {@link KafkaOutputConfig#sendTimeout()} after it began, whatever the producer does, and the
 * hand-over of a send that timed out stops. A producer left unusable (authentication failed, a fatal idempotence
 * error) is replaced before the next send.
 */
public final class KafkaSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
    /** The longest a close waits for the answers to records in flight. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final KafkaOutputConfig config;
    private final Supplier<Producer<byte[], byte[]>> producers;
    // "<agent_id>:" as UTF-8; null when records have no key.
    private final byte[] keyPrefix;
    private final long timeoutMillis;
    private final String destination;
    private final ThreadPoolExecutor handOver;
    // Only the hand-over thread (and close, once it has stopped): the producer records are handed to.
    private Producer<byte[], byte[]> producer;
    // Read by the hand-over thread and the producer's callbacks.
    private volatile ResponseTotal responseTotal;
    // Set by a failure that leaves the producer unusable (on the producer's thread or the hand-over thread).
    private volatile boolean spoiled;
    // The last failure an operator must fix that was logged as an error; cleared by a delivery (callback threads).
    private final AtomicReference<String> alerted = new AtomicReference<>();
    private final KafkaOutputConfig.Routing routing;
    private final boolean routed;
    // Events whose topic field named no valid topic (sent to the static topic instead); only the worker thread.
    private long badTopics;

    /**
     * @param producers makes the producer: once now (so that a producer the settings cannot make fails the start,
     *                  not every send), and again after one was left unusable
     */
    public KafkaSink(KafkaOutputConfig config, UUID agentId, Supplier<Producer<byte[], byte[]>> producers) {
        this.config = config;
        this.producers = producers;
        this.keyPrefix = config.key() == KafkaOutputConfig.Key.AGENT_SEQ
                ? (agentId + ":").getBytes(StandardCharsets.UTF_8) : null;
        this.timeoutMillis = config.sendTimeout().orElseThrow().toMillis();
        this.destination = "kafka://" + config.bootstrapServers().stream().map(HostPort::toString)
                .collect(Collectors.joining(",")) + "/" + config.topic();
        // Sends waiting for the hand-over thread: the worker's window (batch.max_in_flight), plus one behind a send
        // that timed out while still blocked in the producer; past this bound a send fails at once (retryable)
        // instead of queueing.
        this.handOver = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.batch().maxInFlight() + 1), r -> {
                    Thread t = new Thread(r, "gapless-kafka-" + config.id());
                    t.setDaemon(true);
                    return t;
                });
        this.routing = config.routing();
        this.routed = routing.keyField().isPresent() || routing.topicField().isPresent();
        this.producer = producers.get();
    }

    /**
     * As many as the output's {@code batch.max_in_flight}: the producer takes records of several batches at once,
     * keeps them in order per partition (idempotence) and the worker moves the cursor in seq order.
     */
    @Override
    public int maxInFlight() {
        return config.batch().maxInFlight();
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        Frames frames = batch.frames();
        int n = frames.count();
        if (n == 0) {
            return CompletableFuture.completedFuture(Outcome.DELIVERED); // nothing the codec writes (heartbeats)
        }
        // Copied now, on the worker's thread: the payload is the worker's again once this send has an outcome,
        // which a timeout may give while the hand-over is still under way.
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        byte[] bytes = batch.bytes();
        for (int i = 0; i < n; i++) {
            int start = frames.start(i);
            int end = frames.end(i);
            if (end > start && bytes[end - 1] == '\n') {
                end--;
            }
            byte[] key = key(frames.seq(i));
            String topic = config.topic();
            if (routed) {
                JsonNode envelope = EnvelopeFields.parse(bytes, start, end);
                String routedKey = envelope == null ? null
                        : routing.keyField().map(f -> EnvelopeFields.text(envelope, f)).orElse(null);
                String routedTopic = envelope == null ? null
                        : routing.topicField().map(f -> EnvelopeFields.text(envelope, f)).orElse(null);
                if (routedKey != null) {
                    key = routedKey.getBytes(StandardCharsets.UTF_8);
                }
                if (routedTopic != null && KafkaOutputType.isTopicName(routedTopic)) {
                    topic = routedTopic;
                } else if (routedTopic != null) {
                    badTopic(routedTopic, frames.seq(i)); // not a name Kafka takes: to the static topic instead
                }
            }
            records.add(new ProducerRecord<>(topic, null, key, Arrays.copyOfRange(bytes, start, end)));
        }
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        result.completeOnTimeout(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT, "seq " + batch.firstSeq() + ".."
                + batch.lastSeq() + " not acknowledged within " + timeoutMillis + "ms", null), timeoutMillis,
                TimeUnit.MILLISECONDS);
        try {
            handOver.execute(() -> produce(records, result));
        } catch (RejectedExecutionException e) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.TIMEOUT,
                    "the producer is still taking the records of earlier sends", null));
        }
        return result;
    }

    /** Logs the 1st, 2nd, 4th, 8th… event whose topic field is not a topic name: a steady stream logs rarely. */
    private void badTopic(String name, long seq) {
        badTopics++;
        if (Long.bitCount(badTopics) == 1) {
            log.warn("output {}: seq {} names topic '{}' in {}, which Kafka does not take; sent to '{}' ({} such "
                    + "events so far)", config.id(), seq, name.length() > 300 ? name.substring(0, 300) + "…" : name,
                    routing.topicField().orElseThrow(), config.topic(), badTopics);
        }
    }

    private byte[] key(long seq) {
        if (keyPrefix == null) {
            return null;
        }
        byte[] digits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(keyPrefix, keyPrefix.length + digits.length);
        System.arraycopy(digits, 0, key, keyPrefix.length, digits.length);
        return key;
    }

    /** On the hand-over thread: gives every record to the producer, stopping early if the send already ended. */
    private void produce(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Outcome> result) {
        if (result.isDone()) {
            return; // timed out while it waited: the worker has moved on to another attempt
        }
        Producer<byte[], byte[]> p;
        try {
            p = usableProducer();
        } catch (RuntimeException e) {
            result.complete(new Outcome.Retryable(Outcome.ErrorKind.INTERNAL, "cannot make a Kafka producer: " + e,
                    null));
            return;
        }
        Acks acks = new Acks(records.size(), result, p);
        for (int i = 0; i < records.size(); i++) {
            if (result.isDone()) {
                acks.abandon(records.size() - i); // timed out: the rest would only be duplicates of the retry
                return;
            }
            Throwable failed = acks.firstFailure();
            if (failed != null) {
                // the batch fails whatever becomes of the rest (metadata not found, the buffer full): handing them
                // over would only block up to request_timeout each and make duplicates of the retry
                acks.failRest(records.size() - i, failed);
                return;
            }
            try {
                p.send(records.get(i), acks);
            } catch (RuntimeException e) {
                // not a record's failure (those come to the callback): the producer itself, closed or broken
                spoiled = true;
                acks.failRest(records.size() - i, e);
                return;
            }
        }
    }

    private Producer<byte[], byte[]> usableProducer() {
        if (spoiled || producer == null) {
            Producer<byte[], byte[]> old = producer;
            producer = null;
            if (old != null) {
                log.warn("output {}: replacing the Kafka producer after a failure it cannot recover from", config.id());
                old.close(Duration.ZERO);
            }
            spoiled = false;
            producer = producers.get();
        }
        return producer;
    }

    /**
     * The responses the producer has received from the cluster so far, of any kind (its {@code response-total}
     * metric): if it grew while a send waited for a topic's metadata, the cluster was answering all along. The metric
     * is looked up once per producer (the producer's metrics map is built anew at every call).
     */
    private double responses(Producer<byte[], byte[]> p) {
        ResponseTotal t = responseTotal;
        if (t == null || t.producer() != p) {
            Metric found = null;
            for (Map.Entry<MetricName, ? extends Metric> m : p.metrics().entrySet()) {
                if (m.getKey().name().equals("response-total") && m.getKey().group().equals("producer-metrics")) {
                    found = m.getValue();
                    break;
                }
            }
            t = new ResponseTotal(p, found);
            responseTotal = t;
        }
        return t.metric() != null && t.metric().metricValue() instanceof Double count ? count : 0;
    }

    /** A producer's {@code response-total} metric (null if it has none). */
    private record ResponseTotal(Producer<byte[], byte[]> producer, Metric metric) {
    }

    /** The callbacks of one send's records: the outcome once the last is in. */
    private final class Acks implements Callback {
        private final AtomicInteger pending;
        private final CompletableFuture<Outcome> result;
        // The first failure that retrying may mend, and the first the event itself causes (too large).
        private final AtomicReference<Throwable> retryable = new AtomicReference<>();
        private final AtomicReference<Throwable> rejected = new AtomicReference<>();
        private final Producer<byte[], byte[]> producer;
        // The producer's responses when the send began: more of them by a metadata timeout means the cluster answered.
        private final double responsesBefore;

        Acks(int records, CompletableFuture<Outcome> result, Producer<byte[], byte[]> producer) {
            this.pending = new AtomicInteger(records);
            this.result = result;
            this.producer = producer;
            this.responsesBefore = responses(producer);
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e != null) {
                // the producer says only that the topic's metadata did not come; if the cluster answered meanwhile
                // (metadata requests for it, answered UNKNOWN_TOPIC_OR_PARTITION), it has no such topic. An open
                // connection alone proves nothing: one being made to a closed port counts as open for a moment.
                failed(KafkaErrors.isTopicMetadataTimeout(e) && responses(producer) > responsesBefore
                        ? KafkaErrors.noSuchTopic(e) : e);
            }
            if (pending.decrementAndGet() == 0) {
                finish();
            }
        }

        /** A failure seen so far, or null. */
        Throwable firstFailure() {
            Throwable e = retryable.get();
            return e != null ? e : rejected.get();
        }

        /** The hand-over failed: the records not handed over count as failed with {@code e}. */
        void failRest(int records, Throwable e) {
            failed(e);
            if (pending.addAndGet(-records) == 0) {
                finish();
            }
        }

        /** The send ended already: the records not handed over are dropped (the retry carries them). */
        void abandon(int records) {
            pending.addAndGet(-records);
        }

        private void failed(Throwable e) {
            if (KafkaErrors.spoilsProducer(e)) {
                spoiled = true;
            }
            Outcome o = KafkaErrors.classify(e);
            (o instanceof Outcome.Rejected ? rejected : retryable).compareAndSet(null, e);
        }

        private void finish() {
            // any failure retrying may mend wins: the batch is sent again whole, and a rejection it may still
            // hold shows then
            Throwable failure = retryable.get() != null ? retryable.get() : rejected.get();
            if (failure == null) {
                alerted.set(null);
                result.complete(Outcome.DELIVERED);
                return;
            }
            Outcome o = KafkaErrors.classify(failure);
            if (KafkaErrors.needsOperator(failure)) {
                String what = failure.getClass().getName();
                if (!what.equals(alerted.getAndSet(what))) {
                    log.error("output {}: Kafka refuses the records until an operator acts (retrying): {}",
                            config.id(), KafkaErrors.describe(failure));
                }
            }
            result.complete(o);
        }
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public void close() {
        handOver.shutdownNow();
        try {
            handOver.awaitTermination(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Producer<byte[], byte[]> p = producer;
        if (p != null) {
            // Waits for answers of what is in flight, up to one request's timeout (at most CLOSE_WAIT); what is still
            // unacknowledged then fails, and since the cursor has not passed it, it is sent again at the next start.
            p.close(config.requestTimeout().compareTo(CLOSE_WAIT) < 0 ? config.requestTimeout() : CLOSE_WAIT);
        }
    }
}
