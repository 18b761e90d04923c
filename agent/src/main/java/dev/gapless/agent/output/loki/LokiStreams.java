package dev.gapless.agent.output.loki;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.EnvelopeFrame;
import dev.gapless.config.output.loki.LokiOutputConfig;
import dev.gapless.config.output.loki.LokiOutputType;
import dev.gapless.contract.EnvelopeFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a batch into one Loki JSON push body: {@code {"streams":[{"stream":{labels},"values":[["<ns>","<line>",
 * {metadata}]]}]}}. Each entry's timestamp is the record's {@code received_at} and its structured metadata holds
 * {@code agent_id} and {@code seq}, so a batch sent again makes the same entries, which Loki keeps once (it drops an
 * entry whose stream, timestamp and line it already has). Entries of one stream are sorted by timestamp (then seq):
 * Loki refuses an entry older than its stream's newest outside its out-of-order window.
 *
 * <p>Labels: the static ones, plus one per {@code label_fields} entry whose value the record has (a string, number
 * or boolean, cut to {@link LokiOutputConfig#MAX_LABEL_VALUE_CHARS}; an absent, empty or structured value gives no
 * label). At most {@code max_streams} distinct label sets go in one push: a record whose label set would be one more
 * goes to the overflow stream instead (the static labels and {@code gapless_overflow="true"}), its field labels kept
 * as structured metadata, so nothing is lost and Loki's stream count stays bounded. Which records overflow depends on
 * the batch, so a batch split differently on a resend can place a record in the other stream: a duplicate, never a
 * loss.
 */
final class LokiStreams {

    static final String OVERFLOW_LABEL = "gapless_overflow";
    private static final JsonFactory JSON = new JsonFactory();

    private final LokiOutputConfig config;
    private final List<String> labelNames;
    private final List<String[]> labelPaths;

    LokiStreams(LokiOutputConfig config) {
        this.config = config;
        this.labelNames = new ArrayList<>();
        this.labelPaths = new ArrayList<>();
        for (String f : config.labelFields()) {
            labelNames.add(LokiOutputType.labelName(f));
            labelPaths.add(f.split("\\."));
        }
    }

    private record Entry(long nanos, long seq, String line, Map<String, String> metadata) {
    }

    /**
     * @throws IllegalArgumentException naming a record that is not an envelope: the batch is rejected
     */
    byte[] body(EncodedBatch batch) {
        Map<Map<String, String>, List<Entry>> streams = new LinkedHashMap<>();
        Map<String, String> overflow = null;
        for (int i = 0; i < batch.frames().count(); i++) {
            EnvelopeFrame e = EnvelopeFrame.read(batch, i);
            Map<String, String> labels = new TreeMap<>(config.labels());
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(EnvelopeFields.AGENT_ID, e.text(EnvelopeFields.AGENT_ID, ""));
            metadata.put(EnvelopeFields.SEQ, Long.toString(e.seq()));
            Map<String, String> fieldLabels = fieldLabels(e.node());
            labels.putAll(fieldLabels);
            if (!streams.containsKey(labels) && streams.size() >= config.maxStreams()) {
                // past the bound: the overflow stream, the labels this record would have had kept as metadata
                if (overflow == null) {
                    overflow = new TreeMap<>(config.labels());
                    overflow.put(OVERFLOW_LABEL, "true");
                }
                labels = overflow;
                metadata.putAll(fieldLabels);
            }
            String line = config.lineFormat() == LokiOutputConfig.LineFormat.MESSAGE && e.isEvent()
                    ? e.text(EnvelopeFields.MESSAGE, "") : e.json();
            streams.computeIfAbsent(labels, k -> new ArrayList<>())
                    .add(new Entry(EnvelopeFrame.epochNanos(e.receivedAt()), e.seq(), line, metadata));
        }
        return write(streams);
    }

    private Map<String, String> fieldLabels(JsonNode envelope) {
        Map<String, String> out = new TreeMap<>();
        for (int l = 0; l < labelPaths.size(); l++) {
            JsonNode v = envelope;
            for (String segment : labelPaths.get(l)) {
                v = v.path(segment);
            }
            if (v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
                out.put(labelNames.get(l), cut(v.asText()));
            }
        }
        return out;
    }

    /** At most MAX_LABEL_VALUE_CHARS characters, never splitting a surrogate pair. */
    static String cut(String value) {
        int max = LokiOutputConfig.MAX_LABEL_VALUE_CHARS;
        if (value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    private static byte[] write(Map<Map<String, String>, List<Entry>> streams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("streams");
            for (Map.Entry<Map<String, String>, List<Entry>> s : streams.entrySet()) {
                g.writeStartObject();
                g.writeObjectFieldStart("stream");
                for (Map.Entry<String, String> l : s.getKey().entrySet()) {
                    g.writeStringField(l.getKey(), l.getValue());
                }
                g.writeEndObject();
                g.writeArrayFieldStart("values");
                List<Entry> entries = s.getValue();
                entries.sort(Comparator.comparingLong(Entry::nanos).thenComparingLong(Entry::seq));
                for (Entry e : entries) {
                    g.writeStartArray();
                    g.writeString(Long.toString(e.nanos()));
                    g.writeString(e.line());
                    g.writeStartObject();
                    for (Map.Entry<String, String> m : e.metadata().entrySet()) {
                        g.writeStringField(m.getKey(), m.getValue());
                    }
                    g.writeEndObject();
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: cannot happen
        }
        return out.toByteArray();
    }
}
