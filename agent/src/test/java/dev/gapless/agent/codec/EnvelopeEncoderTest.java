package dev.gapless.agent.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.JournalRecord;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Golden tests: these lines are the contract of envelope version 1 (docs/architecture.md); change them never. */
class EnvelopeEncoderTest {

    private static final UUID AGENT = new UUID(1, 2);
    private static final long T = 1_763_892_000_123_456_789L;
    private final EnvelopeEncoder encoder = new EnvelopeEncoder(AGENT, "web-1", () -> 50);

    private static JournalRecord record(RecordKind kind, long seq, String source, byte[] message, String extra,
                                        int tags) {
        return new JournalRecord(kind, seq, 3, 4, T, T - 1_000_000_000L, -1, tags, source, message,
                extra.getBytes(StandardCharsets.UTF_8), 0);
    }

    private String encode(JournalRecord... records) throws Exception {
        ByteSink out = new ByteSink(16);
        for (JournalRecord r : records) {
            encoder.encode(r, out);
        }
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    @Test
    void event() throws Exception {
        String line = encode(record(RecordKind.EVENT, 42, "app",
                "GET /x \"quoted\"\ttab ü".getBytes(StandardCharsets.UTF_8),
                "", 0));
        assertThat(line).isEqualTo("{\"v\":1,\"kind\":\"event\",\"agent_id\":\"00000000-0000-0001-0000-000000000002\","
                + "\"boot_id\":\"00000000-0000-0003-0000-000000000004\",\"seq\":42,\"host\":\"web-1\",\"source\":\"app\","
                + "\"received_at\":\"2025-11-23T10:00:00.123456789Z\",\"event_time\":\"2025-11-23T09:59:59.123456789Z\","
                + "\"message\":\"GET /x \\\"quoted\\\"\\ttab ü\",\"fields\":{},\"tags\":[]}\n");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacterAndKeepsItsTags() throws Exception {
        byte[] bad = {'a', (byte) 0xFF, 'b', (byte) 0xE2, (byte) 0x82};
        String line = encode(record(RecordKind.EVENT, 7, "app", bad, "{\"k\":\"v\"}",
                Tags.INVALID_UTF8 | Tags.TRUNCATED));
        assertThat(line).contains("\"message\":\"a\uFFFDb\uFFFD\"")
                .contains("\"fields\":{\"k\":\"v\"}")
                .endsWith("\"tags\":[\"truncated\",\"invalid_utf8\"]}\n");
    }

    @Test
    void aSyslogMessageThatFailedToParseCarriesItsNamedTag() throws Exception {
        String line = encode(record(RecordKind.EVENT, 8, "syslog", "not syslog".getBytes(StandardCharsets.UTF_8), "",
                Tags.SYSLOG_PARSE_FAILED | Tags.TRUNCATED));
        assertThat(line).contains("\"message\":\"not syslog\"")
                .endsWith("\"tags\":[\"truncated\",\"_syslog_parse_failed\"]}\n");
    }

    @Test
    void freeTagsFollowTheBuiltInOnes() throws Exception {
        String line = encode(new JournalRecord(RecordKind.EVENT, 9, 3, 4, T, T, -1, Tags.TRUNCATED, "app",
                "x".getBytes(StandardCharsets.UTF_8), new byte[0], 0, java.util.List.of("_grokparsefailure", "ops")));
        assertThat(line).endsWith("\"tags\":[\"truncated\",\"_grokparsefailure\",\"ops\"]}\n");
    }

    @Test
    void heartbeatCarriesTheDurableHeadWhenEncoded() throws Exception {
        String line = encode(record(RecordKind.HEARTBEAT, 45, "_agent", new byte[0],
                "{\"interval_ms\":1000,\"uptime_ms\":5,\"accepted\":7}", 0));
        assertThat(line).isEqualTo("{\"v\":1,\"kind\":\"heartbeat\","
                + "\"agent_id\":\"00000000-0000-0001-0000-000000000002\","
                + "\"boot_id\":\"00000000-0000-0003-0000-000000000004\",\"seq\":45,\"host\":\"web-1\",\"source\":\"_agent\","
                + "\"received_at\":\"2025-11-23T10:00:00.123456789Z\",\"event_time\":\"2025-11-23T09:59:59.123456789Z\","
                + "\"message\":\"\",\"fields\":{},"
                + "\"heartbeat\":{\"head_seq\":50,\"interval_ms\":1000,\"uptime_ms\":5,\"accepted\":7},\"tags\":[]}\n");
    }

    @Test
    void heartbeatHeadIsAtLeastItsOwnSeq() throws Exception {
        String line = encode(record(RecordKind.HEARTBEAT, 60, "_agent", new byte[0], "{}", 0));
        assertThat(line).contains("\"heartbeat\":{\"head_seq\":60}");
    }

    @Test
    void lossMarker() throws Exception {
        String line = encode(record(RecordKind.LOSS, 13, "_agent", new byte[0],
                "{\"from_seq\":10,\"to_seq\":12,\"count\":3,\"reason\":\"rejected\",\"output\":\"central\"}", 0));
        assertThat(line).isEqualTo("{\"v\":1,\"kind\":\"loss\",\"agent_id\":\"00000000-0000-0001-0000-000000000002\","
                + "\"boot_id\":\"00000000-0000-0003-0000-000000000004\",\"seq\":13,\"host\":\"web-1\",\"source\":\"_agent\","
                + "\"received_at\":\"2025-11-23T10:00:00.123456789Z\",\"event_time\":\"2025-11-23T09:59:59.123456789Z\","
                + "\"message\":\"\",\"fields\":{},"
                + "\"loss\":{\"from_seq\":10,\"to_seq\":12,\"count\":3,\"reason\":\"rejected\",\"output\":\"central\"},"
                + "\"tags\":[]}\n");
    }

    @Test
    void skippedRunCarriesTheSeqRangeOnly() throws Exception {
        ByteSink out = new ByteSink(16);
        encoder.encodeSkipped(new SkippedRun(10, 12, 3, 3, 4, T), out);
        String line = new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"v\":1,\"kind\":\"skipped\","
                + "\"agent_id\":\"00000000-0000-0001-0000-000000000002\","
                + "\"boot_id\":\"00000000-0000-0003-0000-000000000004\",\"seq\":12,\"host\":\"web-1\","
                + "\"source\":\"_agent\",\"received_at\":\"2025-11-23T10:00:00.123456789Z\","
                + "\"skipped\":{\"from_seq\":10,\"to_seq\":12,\"count\":3},\"tags\":[]}\n");
    }

    @Test
    void lineCodecWritesNoSkippedRecord() throws Exception {
        ByteSink out = new ByteSink(16);
        new LineEncoder().encodeSkipped(new SkippedRun(10, 12, 3, 3, 4, T), out);
        assertThat(out.length()).isZero();
    }

    @Test
    void manyRecordsAreOneLineEach() throws Exception {
        String out = encode(record(RecordKind.EVENT, 1, "app", "x".getBytes(StandardCharsets.UTF_8), "", 0),
                record(RecordKind.EVENT, 2, "app", "y\nz".getBytes(StandardCharsets.UTF_8), "", 0),
                new JournalRecord(RecordKind.EVENT, 3, 5, 6, T, T, -1, 0, "app", new byte[] {'w'}, new byte[0], 0));
        String[] lines = out.split("\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(lines[3]).isEmpty();
        assertThat(lines[0]).startsWith("{\"v\":1,").contains("\"seq\":1,");
        assertThat(lines[1]).contains("\"message\":\"y\\nz\"");
        assertThat(lines[2]).contains("\"boot_id\":\"00000000-0000-0005-0000-000000000006\"");
    }
}
