// Reads a topic back from its beginning and checks LoadGen.java's seqs in it (bench/output-bench.sh kafka): every
// partition up to its end offset when the check starts (after the run's events were delivered), or until the
// timeout. A record's value is
// the event in the output's codec: an envelope (the seq read from its "message") or the message itself. Writes
// RESULT_JSON (SeqCount's figures), exit 0 when none is lost, 3 otherwise.
//
//   java -cp TOOLS:DIST/lib/agent/* KafkaCheck BOOTSTRAP TOPIC TOTAL RESULT_JSON TIMEOUT_S
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class KafkaCheck {

    static final byte[] MESSAGE = "\"message\":\"".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String topic = args[1];
        SeqCount count = new SeqCount(Long.parseLong(args[2]));
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read once everything was delivered: the end offsets now are where the run's records end.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline
                    && !partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    byte[] v = r.value();
                    int at = v.length > 0 && v[0] == '{' ? indexOf(v, MESSAGE) : 0;
                    count.add(v, at < 0 ? v.length : at, v.length);
                }
            }
        }
        String json = count.json();
        Files.writeString(Path.of(args[3]), json + "\n");
        System.out.println(json);
        System.exit(count.distinct() >= count.total ? 0 : 3);
    }

    /** The index just past {@code needle} in {@code hay}, or -1. */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i + needle.length;
        }
        return -1;
    }
}
