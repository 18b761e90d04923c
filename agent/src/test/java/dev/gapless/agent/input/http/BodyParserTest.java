package dev.gapless.agent.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.http.BodyParser.Format;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.internal.Gunzip;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyParserTest {

    private final BodyParser parser = new BodyParser("message", 200);
    private final MessageBatch out = new MessageBatch(64);

    private BodyParser.Refusal parse(Format format, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return parser.parse(format, b, b.length, out);
    }

    private List<String> messages() {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            m.add(new String(out.array(), out.offset(i), out.length(i), StandardCharsets.UTF_8));
        }
        return m;
    }

    private List<String> fields() {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            f.add(new String(out.fieldsArray(), out.fieldsOffset(i), out.fieldsLength(i), StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void ndjsonObjectsBecomeMessagesWithTheirOtherKeysAsFields() {
        assertThat(parse(Format.NDJSON, "{\"message\":\"one\",\"level\":\"info\",\"n\":1.50}\r\n\n"
                + "  {\"message\":{\"nested\":[1,2]}}  \n{\"level\":\"warn\"}\n{\"message\":null,\"x\":true}"))
                .isNull();

        assertThat(messages()).containsExactly("one", "{\"nested\":[1,2]}", "{\"level\":\"warn\"}", "null");
        assertThat(fields()).containsExactly("{\"level\":\"info\",\"n\":1.50}", "", "", "{\"x\":true}");
    }

    @Test
    void aJsonArrayOfObjectsIsTakenWhenItsFirstByteIsABracket() {
        assertThat(parse(Format.JSON, " \n[{\"message\":\"a\",\"k\":\"v\"},\n {\"message\":\"b\"}]\n")).isNull();

        assertThat(messages()).containsExactly("a", "b");
        assertThat(fields()).containsExactly("{\"k\":\"v\"}", "");
        assertThat(parse(Format.JSON, "{\"message\":\"c\"}\n{\"message\":\"d\"}")).as("json without [: lines")
                .isNull();
        assertThat(messages()).containsExactly("c", "d");
    }

    @Test
    void anEnvelopeIsKeptWholeAndSaysWhoseStreamItIs() {
        String envelope = "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"edge-7\",\"seq\":42,\"message\":\"hi\"}";
        assertThat(parse(Format.NDJSON, envelope + "\n")).isNull();
        assertThat(messages()).containsExactly(envelope);
        assertThat(fields()).containsExactly("{\"relayed_from\":\"edge-7\"}");

        assertThat(parse(Format.JSON, "[" + envelope + "]")).isNull();
        assertThat(messages()).containsExactly(envelope);
    }

    @Test
    void theFirstBadLineRefusesTheWholeBodyNamingIt() {
        BodyParser.Refusal r = parse(Format.NDJSON, "{\"message\":\"ok\"}\n\n{\"message\":\"broken\"\n{\"a\":1}\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).startsWith("line 3: invalid JSON: ");
        assertThat(r.events()).as("the body's non-blank lines").isEqualTo(3);

        r = parse(Format.NDJSON, "{\"message\":\"ok\"}\n[1,2]\n");
        assertThat(r.message()).isEqualTo("line 2: expected a JSON object, got an array");
        r = parse(Format.NDJSON, "{\"message\":\"ok\"} {\"message\":\"two on one line\"}\n");
        assertThat(r.message()).startsWith("line 1: invalid JSON: ");
    }

    @Test
    void aBadArrayElementIsNamedWithItsLine() {
        BodyParser.Refusal r = parse(Format.JSON, "[{\"message\":\"a\"},\n\"b\"]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).isEqualTo("element 2 (line 2): expected a JSON object, got a string");
        assertThat(r.events()).isEqualTo(2);

        r = parse(Format.JSON, "[{\"message\":\"a\"},\n{\"message\":]");
        assertThat(r.message()).startsWith("line 2: invalid JSON: ");
        r = parse(Format.JSON, "[{\"message\":\"a\"}");
        assertThat(r.message()).contains("invalid JSON");
        r = parse(Format.JSON, "[{\"message\":\"a\"}] {}");
        assertThat(r.message()).isEqualTo("line 1: invalid JSON: content after the array");
    }

    @Test
    void anObjectLongerThanMaxEventBytesRefusesItsRequestWith413() {
        String big = "x".repeat(190);
        BodyParser.Refusal r = parse(Format.NDJSON, "{\"message\":\"ok\"}\n{\"message\":\"" + big
                + "\",\"k\":\"0123456789\"}\n");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.message()).isEqualTo("line 2: an event of 208 bytes (message and fields) exceeds"
                + " max_event_bytes (200)");
    }

    @Test
    void textLinesAreEventsCutAtMaxEventBytes() {
        assertThat(parse(Format.TEXT, "one\r\n\ntwo\n" + "y".repeat(250) + "\nlast")).isNull();
        assertThat(messages()).containsExactly("one", "two", "y".repeat(200), "last");
        assertThat(out.tags(2)).isEqualTo(Tags.TRUNCATED);
        assertThat(fields()).containsOnly("");
    }

    @Test
    void gunzipStopsAtItsCap() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(new byte[1 << 20]);
        }
        byte[] bomb = gz.toByteArray();
        assertThat(Gunzip.inflate(bomb, bomb.length, 1 << 20)).hasSize(1 << 20);
        assertThatThrownBy(() -> Gunzip.inflate(bomb, bomb.length, (1 << 20) - 1))
                .isInstanceOf(Gunzip.TooLarge.class);
        assertThatThrownBy(() -> Gunzip.inflate(new byte[] {1, 2, 3}, 3, 100))
                .isInstanceOf(java.io.IOException.class);
    }
}
