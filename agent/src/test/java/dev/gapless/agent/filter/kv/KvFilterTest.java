package dev.gapless.agent.filter.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.filter.kv.KvFilterConfig;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KvFilterTest {

    private final FilterStats stats = new FilterStats("kv_1", "kv");

    /** Runs one kv, its section given as YAML lines, over one event. */
    private MessageBatch run(String section, String message, String fields) throws Exception {
        KvFilterConfig c = (KvFilterConfig) ConfigLoader.parse("filters:\n  - type: kv\n" + section.indent(4),
                "t.yaml", Path.of("/tmp"), Map.of()).filters().get(0);
        KvFilter f = new KvFilter(c, stats);
        FilterChain chain = new FilterChain(List.of(new FilterChain.Step(stats, Optional.empty(), f)), 1 << 20);
        MessageBatch b = new MessageBatch(1 << 16);
        b.source("web");
        b.receivedAtNanos(1L);
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        b.add(m, 0, m.length, 0);
        if (fields != null) {
            byte[] f2 = fields.getBytes(StandardCharsets.UTF_8);
            b.fieldsOfLast(f2, 0, f2.length);
        }
        return chain.runner().apply(b);
    }

    private static String fields(MessageBatch b) {
        return new String(b.fieldsArray(), b.fieldsOffset(0), b.fieldsLength(0), StandardCharsets.UTF_8);
    }

    @Test
    void splitsPairsSkippingWordsWithoutValues() throws Exception {
        MessageBatch out = run("prefix: ''", "user=ann  action=login  noise ok= =x",
                "{\"host\":\"h\"}");

        assertThat(fields(out)).isEqualTo("{\"host\":\"h\",\"user\":\"ann\",\"action\":\"login\",\"ok\":\"\"}");
        assertThat(out.hasFreeTags()).isFalse();
    }

    @Test
    void quotedValuesHoldSeparatorsAndEscapes() throws Exception {
        MessageBatch out = run("prefix: ''",
                "msg=\"disk full, a=b\" who='it\\'s me' path=\"c:\\\\tmp\" open=\"to the end", null);

        assertThat(fields(out)).isEqualTo(
                "{\"msg\":\"disk full, a=b\",\"who\":\"it's me\",\"path\":\"c:\\\\tmp\",\"open\":\"to the end\"}");
    }

    @Test
    void aRepeatedKeyBecomesAListInOrder() throws Exception {
        MessageBatch out = run("prefix: ''", "tag=a tag=b other=1 tag=c", null);

        assertThat(fields(out)).isEqualTo("{\"tag\":[\"a\",\"b\",\"c\"],\"other\":\"1\"}");
    }

    @Test
    void customSeparatorsIncludeExcludePrefixAndTarget() throws Exception {
        MessageBatch out = run("""
                field: fields.q
                target: fields.query
                field_split: '&;'
                value_split: ':'
                include_keys: [a, b, c]
                exclude_keys: [c]
                prefix: q_
                """, "m", "{\"q\":\"a:1&b:2;c:3&d:4\"}");

        assertThat(fields(out)).isEqualTo("{\"q\":\"a:1&b:2;c:3&d:4\",\"query\":{\"q_a\":\"1\",\"q_b\":\"2\"}}");
    }

    @Test
    void textWithNoPairIsTaggedAndCounted() throws Exception {
        MessageBatch out = run("prefix: ''", "just words here", "{\"a\":  1}");

        assertThat(out.freeTags(0)).containsExactly("_kvparsefailure");
        assertThat(fields(out)).isEqualTo("{\"a\":  1}");
        assertThat(stats.failures.sum()).isEqualTo(1);
    }

    @Test
    void pairsPastTheBoundAreIgnoredAndTheEventTagged() throws Exception {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < KvFilter.MAX_PAIRS + 10; i++) {
            line.append("k").append(i).append("=v ");
        }

        MessageBatch out = run("prefix: ''", line.toString(), null);

        assertThat(out.freeTags(0)).containsExactly(KvFilter.TOO_MANY);
        assertThat(fields(out)).contains("\"k1023\":\"v\"").doesNotContain("\"k1024\"");
        assertThat(stats.failures.sum()).isEqualTo(1);
    }
}
