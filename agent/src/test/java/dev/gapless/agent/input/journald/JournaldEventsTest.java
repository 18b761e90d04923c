package dev.gapless.agent.input.journald;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournaldEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ExportReader.Field f(String name, String value) {
        return new ExportReader.Field(name, value.getBytes(StandardCharsets.UTF_8), false);
    }

    private static JsonNode fields(MessageBatch b, int i) throws Exception {
        return JSON.readTree(Arrays.copyOfRange(b.fieldsArray(), b.fieldsOffset(i),
                b.fieldsOffset(i) + b.fieldsLength(i))).get("journald");
    }

    private static String message(MessageBatch b, int i) {
        return new String(b.array(), b.offset(i), b.length(i), StandardCharsets.UTF_8);
    }

    @Test
    void mapsTheMessageTheTimeAndEveryOtherFieldInLowerCase() throws Exception {
        MessageBatch b = new MessageBatch(1024);
        String cursor = new JournaldEvents(1 << 20).add(List.of(f("__CURSOR", "s=1;i=2"),
                f("__REALTIME_TIMESTAMP", "1700000000123456"), f("MESSAGE", "hello"), f("PRIORITY", "6"),
                f("_SYSTEMD_UNIT", "nginx.service"), f("TAG", "a"), f("TAG", "b")), b);
        assertThat(cursor).isEqualTo("s=1;i=2");
        assertThat(message(b, 0)).isEqualTo("hello");
        assertThat(b.tags(0)).isZero();
        assertThat(b.eventTimeNanos(0)).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(fields(b, 0).toString()).isEqualTo("{\"__cursor\":\"s=1;i=2\",\"__realtime_timestamp\":"
                + "\"1700000000123456\",\"priority\":\"6\",\"_systemd_unit\":\"nginx.service\",\"tag\":[\"a\",\"b\"]}");
    }

    @Test
    void nonUtf8IsKeptExactlyInBase64AndTheEntryStays() throws Exception {
        byte[] bad = {'o', 'k', (byte) 0xFF, '\n', 'x'};
        MessageBatch b = new MessageBatch(1024);
        new JournaldEvents(1 << 20).add(List.of(new ExportReader.Field("MESSAGE", bad, false),
                new ExportReader.Field("DATA", bad, false)), b);
        assertThat(Arrays.copyOfRange(b.array(), b.offset(0), b.offset(0) + b.length(0))).containsExactly(bad);
        JsonNode j = fields(b, 0);
        assertThat(Base64.getDecoder().decode(j.get("message_base64").asText())).containsExactly(bad);
        assertThat(j.get("data").asText()).isEqualTo("ok\uFFFD\nx");
        assertThat(Base64.getDecoder().decode(j.get("data_base64").asText())).containsExactly(bad);
    }

    @Test
    void anEntryTooLargeIsCutToTheBudgetAtACharacterAndTaggedTruncated() throws Exception {
        int max = 4096;
        MessageBatch b = new MessageBatch(1024);
        String message = "é".repeat(max); // 2 bytes each: a cut at max bytes falls between characters or inside one
        new JournaldEvents(max).add(List.of(f("MESSAGE", message + "!"), f("BIG", "\"".repeat(40_000)),
                f("SMALL", "kept")), b);
        assertThat(b.tags(0) & Tags.TRUNCATED).isNotZero();
        assertThat(b.length(0)).isEqualTo(max);
        assertThat(message(b, 0)).isEqualTo("é".repeat(max / 2));
        int fieldsLength = b.fieldsLength(0);
        assertThat(fieldsLength).isLessThanOrEqualTo(JournaldEvents.FIELDS_SLACK);
        JsonNode j = fields(b, 0);
        assertThat(j.get("big").asText()).hasSizeLessThan(40_000).hasSizeGreaterThan(10_000);
        assertThat(j.has("small")).as("nothing left for it once the big one was cut").isFalse();
    }

    @Test
    void cutsNeverSplitACharacter() {
        byte[] b = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
        assertThat(JournaldEvents.characterBoundary(b, 2)).isEqualTo(1);
        assertThat(JournaldEvents.characterBoundary(b, 3)).isEqualTo(3);
        assertThat(JournaldEvents.characterBoundary(b, 5)).isEqualTo(3);
        assertThat(JournaldEvents.characterBoundary(b, 9)).isEqualTo(6);
        assertThat(JournaldEvents.characterBoundary(b, 10)).isEqualTo(10);
    }

    @Test
    void charactersPastTheBasicPlaneCountAsTheirFourBytesAndStayWithinTheBudget() throws Exception {
        int max = 4096;
        MessageBatch b = new MessageBatch(1024);
        String emoji = "😀".repeat(20_000); // 80,000 bytes as UTF-8; 240,000 if each half were escaped
        new JournaldEvents(max).add(List.of(f("MESSAGE", "m"), f("ART", emoji)), b);
        assertThat(b.tags(0) & Tags.TRUNCATED).isNotZero();
        assertThat(b.fieldsLength(0)).isLessThanOrEqualTo(max - 1 + JournaldEvents.FIELDS_SLACK);
        String art = fields(b, 0).get("art").asText();
        assertThat(art).hasSizeGreaterThan(2 * 8_000).matches("(😀)+");
        String raw = new String(b.fieldsArray(), b.fieldsOffset(0), b.fieldsLength(0), StandardCharsets.UTF_8);
        assertThat(raw).as("written as UTF-8, not as escaped surrogates").doesNotContain("\\u").contains("😀");
    }

    @Test
    void aRealtimeTimestampPastWhatNanosecondsHoldLeavesTheReceiveTime() {
        MessageBatch b = new MessageBatch(1024);
        b.receivedAtNanos(42);
        JournaldEvents events = new JournaldEvents(1 << 20);
        events.add(List.of(f("MESSAGE", "far"), f("__REALTIME_TIMESTAMP", "999999999999999999")), b);
        events.add(List.of(f("MESSAGE", "last"),
                f("__REALTIME_TIMESTAMP", Long.toString(JournaldEvents.MAX_MICROS))), b);
        assertThat(b.eventTimeNanos(0)).as("year 33658: not wrapped into a negative time").isEqualTo(42);
        assertThat(b.eventTimeNanos(1)).isEqualTo(JournaldEvents.MAX_MICROS * 1000);
    }
}
