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
}
