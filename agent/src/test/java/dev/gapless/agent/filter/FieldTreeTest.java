package dev.gapless.agent.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.codec.ByteSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fields tree to JSON and back: the hand-written writer agrees with Jackson and survives a round trip. */
class FieldTreeTest {

    private static String write(Map<String, Object> tree) {
        ByteSink out = new ByteSink(16);
        FieldTree.write(tree, out);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    @Test
    void writesWhatJacksonWritesAndReadsBackTheSame() throws Exception {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("plain", "hello");
        tree.put("escapes", "quote \" backslash \\ newline \n tab \t cr \r bell \u0007 slash /");
        tree.put("utf8", "café ✓ 😀");
        tree.put("n", 42L);
        tree.put("neg", -7L);
        tree.put("d", 0.25);
        tree.put("big", new BigInteger("123456789012345678901234567890"));
        tree.put("t", true);
        tree.put("nothing", null);
        tree.put("list", Arrays.asList(1L, "two", null, List.of()));
        tree.put("nested", Map.of("k\"ey", Map.of()));

        String json = write(tree);

        assertThat(json).isEqualTo(new ObjectMapper().writeValueAsString(tree));
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        assertThat(FieldTree.parseObject(b, 0, b.length)).isEqualTo(tree);
    }

    @Test
    void aLoneSurrogateNaNAndDeepNestingStillMakeValidJson() throws Exception {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("lone", "a\uD800b");
        tree.put("nan", Double.NaN);
        Map<String, Object> deep = tree;
        for (int i = 0; i < FieldTree.MAX_DEPTH + 5; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            deep.put("d", next);
            deep = next;
        }

        String json = write(tree);

        assertThat(json).startsWith("{\"lone\":\"a\uFFFDb\",\"nan\":null,");
        assertThat(new ObjectMapper().readTree(json)).isNotNull();
        assertThat(json).contains("(deeper than " + FieldTree.MAX_DEPTH + ")");
    }

    @Test
    void longStringsAndEveryLongAgreeWithJackson() throws Exception {
        // Strings are written in runs of characters: a pair of surrogates split across two runs, escapes at the
        // edge, and many runs; numbers at the ends of the long range.
        java.util.Random random = new java.util.Random(7);
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("straddle", "a".repeat(4095) + "\uD83D\uDE00" + "b");
        tree.put("escapeAtEdge", "x".repeat(4095) + "\u0001\"" + "y".repeat(9000));
        StringBuilder mixed = new StringBuilder();
        String alphabet = "aZ09 \"\\\n\u0000\u001f\u007f\u00e9\u20ac\uD83D\uDE00";
        for (int i = 0; i < 20_000; i++) {
            mixed.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        tree.put("mixed", mixed.toString().replace("\uD83D\uD83D", "\uD83D\uDE00"));
        tree.put("min", Long.MIN_VALUE);
        tree.put("max", Long.MAX_VALUE);
        tree.put("zero", 0L);
        tree.put("minusOne", -1L);
        tree.put("ten", 10L);
        tree.put("int", 123_456);

        String json = write(tree);

        Map<String, Object> expected = new LinkedHashMap<>(tree);
        String m = (String) expected.get("mixed");
        StringBuilder clean = new StringBuilder(); // what UTF-8 keeps of lone surrogates: U+FFFD
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < m.length() && Character.isLowSurrogate(m.charAt(i + 1))) {
                clean.append(c).append(m.charAt(++i));
            } else {
                clean.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        expected.put("mixed", clean.toString());
        String jackson = new ObjectMapper().writeValueAsString(expected);
        int at = 0;
        while (at < Math.min(json.length(), jackson.length()) && json.charAt(at) == jackson.charAt(at)) {
            at++;
        }
        assertThat(at).as("first difference from Jackson, ours %s, Jackson's %s",
                json.substring(Math.max(0, at - 20), Math.min(json.length(), at + 20)),
                jackson.substring(Math.max(0, at - 20), Math.min(jackson.length(), at + 20)))
                .isEqualTo(Math.max(json.length(), jackson.length()));
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        expected.put("int", 123_456L);
        assertThat(FieldTree.parseObject(b, 0, b.length)).isEqualTo(expected);
    }
}
