package dev.gapless.agent.filter.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.json.JsonFilterConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonFilterTest {

    private final FilterStats stats = new FilterStats("json_1", "json");

    private MessageBatch run(JsonFilterConfig config, String message, String fields) {
        return run(config, message.getBytes(StandardCharsets.UTF_8), fields);
    }

    private MessageBatch run(JsonFilterConfig config, byte[] m, String fields) {
        JsonFilter f = new JsonFilter(config, stats);
        FilterChain chain = new FilterChain(List.of(new FilterChain.Step(stats, Optional.empty(), f)), 4 << 20);
        MessageBatch b = new MessageBatch(4 << 20);
        b.source("app");
        b.receivedAtNanos(1L);
        b.add(m, 0, m.length, 0);
        if (fields != null) {
            byte[] f2 = fields.getBytes(StandardCharsets.UTF_8);
            b.fieldsOfLast(f2, 0, f2.length);
        }
        return chain.runner().apply(b);
    }

    private static JsonFilterConfig config(String field, String target, boolean remove) {
        return new JsonFilterConfig("json_1", Optional.empty(), FieldPath.parse(field), FieldPath.parse(target),
                List.of("_jsonparsefailure"), remove);
    }

    private static String fields(MessageBatch b) {
        return new String(b.fieldsArray(), b.fieldsOffset(0), b.fieldsLength(0), StandardCharsets.UTF_8);
    }

    private static String message(MessageBatch b) {
        return new String(b.array(), b.offset(0), b.length(0), StandardCharsets.UTF_8);
    }

    @Test
    void mergesAnObjectIntoTheFieldsKeepingWhatWasThere() {
        MessageBatch out = run(config("message", "fields", false), "{\"a\":1,\"b\":{\"c\":[true,null]}}",
                "{\"host\":\"h\",\"a\":0}");

        assertThat(fields(out)).isEqualTo("{\"host\":\"h\",\"a\":1,\"b\":{\"c\":[true,null]}}");
        assertThat(message(out)).isEqualTo("{\"a\":1,\"b\":{\"c\":[true,null]}}");
        assertThat(out.hasFreeTags()).isFalse();
        assertThat(stats.failures.sum()).isZero();
    }

    @Test
    void putsAnObjectUnderATargetAndRemovesTheSourceField() {
        MessageBatch out = run(config("fields.raw", "fields.parsed", true), "line",
                "{\"raw\":\"{\\\"x\\\":\\\"y\\\"}\"}");

        assertThat(fields(out)).isEqualTo("{\"parsed\":{\"x\":\"y\"}}");
    }

    @Test
    void aValueThatIsNoObjectGoesToFieldsJsonOrToTheTarget() {
        assertThat(fields(run(config("message", "fields", false), "[1,2]", null))).isEqualTo("{\"json\":[1,2]}");
        assertThat(fields(run(config("message", "fields.n", false), "42", null))).isEqualTo("{\"n\":42}");
    }

    @Test
    void removingTheMessageEmptiesIt() {
        MessageBatch out = run(config("message", "fields", true), "{\"k\":\"v\"}", null);

        assertThat(message(out)).isEmpty();
        assertThat(fields(out)).isEqualTo("{\"k\":\"v\"}");
    }

    @Test
    void invalidJsonIsTaggedCountedAndLeftAsItWas() {
        MessageBatch out = run(config("message", "fields", true), "{\"a\":1", "{\"x\":1}");

        assertThat(out.size()).isEqualTo(1);
        assertThat(out.freeTags(0)).containsExactly("_jsonparsefailure");
        assertThat(message(out)).isEqualTo("{\"a\":1");
        assertThat(fields(out)).isEqualTo("{\"x\":1}");
        assertThat(stats.failures.sum()).isEqualTo(1);
    }

    @Test
    void nestingPastTheBoundIsAParseFailure() {
        String deep = "[".repeat(200) + "]".repeat(200);

        MessageBatch out = run(config("message", "fields", false), deep, null);

        assertThat(out.freeTags(0)).containsExactly("_jsonparsefailure");
    }

    @Test
    void textPastTheSizeBoundIsNotParsed() {
        String big = "{\"a\":\"" + "x".repeat(JsonFilter.MAX_CHARS) + "\"}";

        MessageBatch out = run(config("message", "fields", false), big, null);

        assertThat(out.freeTags(0)).containsExactly(JsonFilter.TOO_LARGE);
        assertThat(out.fieldsLength(0)).isZero();
        assertThat(stats.failures.sum()).isEqualTo(1);
    }

    @Test
    void aMissingFieldIsNoFailure() {
        MessageBatch out = run(config("fields.absent", "fields", false), "m", null);

        assertThat(out.hasFreeTags()).isFalse();
        assertThat(stats.failures.sum()).isZero();
    }

    @Test
    void aMessageIsReadFromItsBytesAsItsTextWouldBe() {
        // The message is parsed from the bytes it arrived as; where those are no UTF-8 JSON, or could be taken for
        // another encoding, the outcome is still the text's (bad bytes read as U+FFFD).
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', 'x', (byte) 0xC3, '"', '}'};
        assertThat(fields(run(config("message", "fields", false), invalidUtf8, null)))
                .isEqualTo("{\"a\":\"x\uFFFD\"}");

        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        MessageBatch withBom = run(config("message", "fields", false), bom, null);
        assertThat(withBom.freeTags(0)).containsExactly("_jsonparsefailure"); // U+FEFF is no JSON, as text

        byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE);
        MessageBatch wide = run(config("message", "fields", false), utf16, null);
        assertThat(wide.freeTags(0)).containsExactly("_jsonparsefailure");
        assertThat(wide.fieldsLength(0)).isZero();

        MessageBatch nothing = run(config("message", "fields.doc", false), "null", null);
        assertThat(fields(nothing)).isEqualTo("{\"doc\":null}");
        assertThat(stats.failures.sum()).isEqualTo(2);
    }
}
