package dev.gapless.agent.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.codec.ByteSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quick reader of flat objects against Jackson: on every text, real and damaged, it reads the tree Jackson reads
 * (or leaves the text to Jackson), and what it read is written back as the same bytes; its map behaves as a
 * {@code LinkedHashMap} under any sequence of changes.
 */
class FlatJsonTest {

    /** Pieces a flat object's text is made of: ones the quick reader takes, and ones it must leave to Jackson. */
    private static final String[] KEYS = {"ts", "level", "usr", "method", "a b", "", "k\\\"q", "caf\u00e9", "x\u007f",
        "dup", "dup", "n", "tab\\t", "very_long_key_name_for_a_field_that_goes_on"};
    private static final String[] VALUES = {"\"info\"", "\"\"", "\"/api/v1/items/7\"", "\"2026-11-23T10:00:01.123Z\"",
        "0", "7", "-7", "-0", "01", "123456789012345678", "1234567890123456789", "99999999999999999999", "1.5", "1e3",
        "-", "true", "false", "null", "tru", "nul", "{}", "[]", "{\"a\":1}", "[1,2]", "\"a\\\"b\"", "\"\\u00e9\"",
        "\"caf\u00e9\"", "\"\u0001\"", "\"del\u007f\"", "\"\t\"", "NaN", "\"unterminated"};
    private static final String[] SPACES = {"", "", "", " ", "\n", " \t\r\n "};

    @Test
    void readsWhatJacksonReadsOnRealAndDamagedText() throws Exception {
        Random random = new Random(11);
        int quick = 0;
        int compared = 0;
        List<String> texts = new ArrayList<>(List.of("{}", " { } ", "{\"a\":1}", "{\"a\":1} x", "{\"a\":1}{}",
                "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":1", "{\"a\"", "{\"", "{", "", " ", "[]", "\"s\"", "1",
                "{\"a\":\"b\",\"a\":\"c\"}", "{\"a\":1,\"b\":2,\"a\":3}"));
        for (int i = 0; i < 3_000; i++) {
            texts.add(object(random));
        }
        for (String text : new ArrayList<>(texts)) {
            for (int d = 0; d < 3; d++) {
                texts.add(damage(text, random));
            }
        }
        for (String text : texts) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            byte[] framed = new byte[b.length + 6]; // the text inside a larger array, as a batch holds it
            System.arraycopy(b, 0, framed, 3, b.length);
            Object jackson;
            try {
                jackson = FieldTree.jacksonValue(b, 0, b.length);
            } catch (IOException | RuntimeException e) {
                jackson = e;
            }
            FieldMap flat = FlatJson.parse(framed, 3, b.length);
            if (flat != null) {
                quick++;
                assertThat(jackson).as(text).isInstanceOf(Map.class).isEqualTo(flat);
                assertThat(written(flat)).as(text).isEqualTo(written(jackson));
                assertThat(new ArrayList<>(flat.keySet())).as(text)
                        .isEqualTo(new ArrayList<>(((Map<?, ?>) jackson).keySet()));
                for (Map.Entry<String, Object> e : flat.entrySet()) {
                    Object v = ((Map<?, ?>) jackson).get(e.getKey());
                    assertThat(e.getValue() == null ? null : e.getValue().getClass()).as(text)
                            .isEqualTo(v == null ? null : v.getClass());
                }
            }
            // The public readers, quick path first, agree with Jackson's answer or its refusal.
            if (jackson instanceof Exception) {
                assertThatThrownBy(() -> FieldTree.parseValue(framed, 3, b.length)).as(text)
                        .isInstanceOf(jackson.getClass());
            } else {
                Object read = FieldTree.parseValue(framed, 3, b.length);
                assertThat(read).as(text).isEqualTo(jackson);
                assertThat(written(read)).as(text).isEqualTo(written(jackson));
            }
            compared++;
        }
        assertThat(compared).isEqualTo(12_076);
        assertThat(quick).as("texts the quick reader took").isBetween(500, 6_000);
    }

    @Test
    void aRepeatedKeyMoreKeysThanTheIndexHoldsAndAMinusZeroAreLeftToJackson() throws Exception {
        assertThat(parse("{\"a\":\"b\",\"a\":\"c\"}")).isNull();
        assertThat(parse("{\"n\":-0}")).isNull();
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= FieldMap.MAX_ENTRIES; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        String all = many.append('}').toString();
        assertThat(parse(all)).isNull();
        byte[] b = all.getBytes(StandardCharsets.UTF_8);
        assertThat((Map<?, ?>) FieldTree.parseValue(b, 0, b.length)).hasSize(FieldMap.MAX_ENTRIES + 1);
        assertThat(parse("{\"a\":\"b\",\"b\":-12,\"c\":true,\"d\":null}")).containsEntry("b", -12L)
                .containsEntry("d", null).hasSize(4);
    }

    @Test
    void aByteThatNeedsJacksonIsSeenAtEveryPlaceInAString() {
        // Strings are scanned eight bytes at a time: each byte the quick reader must not take, at every offset of
        // strings long and short, is seen (the text is then Jackson's), and a string of plain bytes is taken whole.
        byte[] awkward = {'"', '\\', 0x00, 0x1F, 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xFF};
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                for (byte a : awkward) {
                    byte[] b = ("{\"k\":\"" + "p".repeat(length) + "\"}").getBytes(StandardCharsets.US_ASCII);
                    b[6 + at] = a; // 6: the bytes of {"k":"
                    assertThat(FlatJson.parse(b, 0, b.length)).as("byte %02x at %d of %d", a, at, length).isNull();
                }
            }
            String plain = " ~!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}".repeat(2).substring(0, length);
            assertThat(parse("{\"k\":\"" + plain + "\"}")).as("plain, %d", length).containsEntry("k", plain);
        }
    }

    @Test
    void itsMapDoesWhatALinkedHashMapDoesUnderAnyChanges() {
        Random random = new Random(5);
        String[] keys = {"ts", "level", "usr", "user", "method", "status", "k7", "new", "x", ""};
        Object[] values = {"v", 1L, null, true, List.of(1L), Map.of("m", "n"), 2.5, "caf\u00e9 \"q\""};
        for (int round = 0; round < 400; round++) {
            FieldMap flat = parse("{\"ts\":\"2026-11-23T10:00:01Z\", \"level\" : \"info\",\"usr\":\"u1\","
                    + "\"method\":\"GET\",\"status\":200,\"ok\":true,\"gone\":null}");
            Map<String, Object> expected = new LinkedHashMap<>(flat);
            int ops = 1 + random.nextInt(round % 10 == 0 ? 200 : 12); // some rounds grow past the index
            for (int op = 0; op < ops; op++) {
                String key = random.nextInt(8) == 0 ? "k" + random.nextInt(100) : keys[random.nextInt(keys.length)];
                Object value = values[random.nextInt(values.length)];
                switch (random.nextInt(8)) {
                    case 0, 1, 2 -> assertThat(flat.put(key, value)).isEqualTo(expected.put(key, value));
                    case 3 -> assertThat(flat.remove(key)).isEqualTo(expected.remove(key));
                    case 4 -> {
                        assertThat(flat.get(key)).isEqualTo(expected.get(key));
                        assertThat(flat.containsKey(key)).isEqualTo(expected.containsKey(key));
                    }
                    case 5 -> { // remove through the iterator every entry whose key is shorter than 3
                        for (Iterator<Map.Entry<String, Object>> it = flat.entrySet().iterator(); it.hasNext();) {
                            if (it.next().getKey().length() < 3) {
                                it.remove();
                            }
                        }
                        expected.keySet().removeIf(k -> k.length() < 3);
                    }
                    case 6 -> { // set values through the entries
                        for (Map.Entry<String, Object> e : flat.entrySet()) {
                            if (e.getKey().startsWith("s")) {
                                e.setValue("set");
                            }
                        }
                        expected.replaceAll((k, v) -> k.startsWith("s") ? "set" : v);
                    }
                    default -> {
                        if (random.nextInt(20) == 0) {
                            flat.clear();
                            expected.clear();
                        }
                    }
                }
                assertThat(new ArrayList<>(flat.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
                assertThat(flat).isEqualTo(expected).hasSameHashCodeAs(expected).hasSize(expected.size());
                assertThat(written(flat)).isEqualTo(written(expected));
            }
        }
    }

    private static FieldMap parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return FlatJson.parse(b, 0, b.length);
    }

    @SuppressWarnings("unchecked")
    private static String written(Object tree) {
        if (!(tree instanceof Map<?, ?>)) {
            return String.valueOf(tree);
        }
        ByteSink out = new ByteSink(16);
        FieldTree.write((Map<String, Object>) tree, out);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    private static String object(Random random) {
        StringBuilder s = new StringBuilder(space(random)).append('{');
        int n = random.nextInt(10);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(space(random)).append(',');
            }
            String key = random.nextInt(4) == 0 ? KEYS[random.nextInt(KEYS.length)] : "k" + random.nextInt(30);
            String value = random.nextInt(3) == 0 ? VALUES[random.nextInt(VALUES.length)]
                    : random.nextBoolean() ? "\"v" + random.nextInt(1000) + "\"" : String.valueOf(random.nextInt());
            s.append(space(random)).append('"').append(key).append('"').append(space(random)).append(':')
                    .append(space(random)).append(value);
        }
        return s.append(space(random)).append('}').append(space(random)).toString();
    }

    private static String space(Random random) {
        return SPACES[random.nextInt(SPACES.length)];
    }

    /** One random change: a cut, a character dropped, doubled or replaced by one JSON cares about. */
    private static String damage(String text, Random random) {
        if (text.isEmpty()) {
            return "{";
        }
        int at = random.nextInt(text.length());
        String special = "{}[]\":,\\ 0-.e\u0000\u00e9";
        return switch (random.nextInt(4)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + text.substring(at + 1);
            case 2 -> text.substring(0, at) + text.charAt(at) + text.substring(at);
            default -> text.substring(0, at) + special.charAt(random.nextInt(special.length()))
                    + text.substring(at + 1);
        };
    }
}
