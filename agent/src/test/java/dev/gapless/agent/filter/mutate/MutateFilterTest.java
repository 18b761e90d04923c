package dev.gapless.agent.filter.mutate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.filter.mutate.MutateFilterConfig;
import dev.gapless.config.filter.mutate.MutateFilterConfig.Conversion;
import dev.gapless.config.load.ConfigLoader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MutateFilterTest {

    private final FilterStats stats = new FilterStats("mutate_1", "mutate");

    /** Runs one mutate, its section given as YAML lines, over one event. */
    private MessageBatch run(String section, String message, String fields) throws Exception {
        MutateFilterConfig c = (MutateFilterConfig) ConfigLoader.parse("filters:\n  - type: mutate\n"
                + section.indent(4), "t.yaml", Path.of("/tmp"), Map.of()).filters().get(0);
        MutateFilter f = new MutateFilter(c, stats);
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

    private static String message(MessageBatch b) {
        return new String(b.array(), b.offset(0), b.length(0), StandardCharsets.UTF_8);
    }

    @Test
    void renamesCopiesAndRemoves() throws Exception {
        MessageBatch out = run("""
                rename: {fields.usr: fields.user.name, fields.absent: fields.x}
                copy: {fields.user: fields.copy, source: fields.src}
                remove: [fields.tmp]
                """, "m", "{\"usr\":\"ann\",\"tmp\":1,\"k\":2}");

        assertThat(fields(out)).isEqualTo(
                "{\"k\":2,\"user\":{\"name\":\"ann\"},\"copy\":{\"name\":\"ann\"},\"src\":\"web\"}");
        assertThat(out.hasFreeTags()).isFalse();
    }

    @Test
    void aRenameWhoseTargetCannotBeMadeLeavesTheValue() throws Exception {
        MessageBatch out = run("rename: {fields.a: fields.b.c}", "m", "{\"a\":1,\"b\":\"text\"}");

        assertThat(fields(out)).contains("\"a\":1").contains("\"b\":\"text\"");
    }

    @Test
    void setAlwaysAddOnlyWhenAbsentWithReferences() throws Exception {
        MessageBatch out = run("""
                set: {fields.k: 'new', fields.who: '%{fields.user}@%{source}: %{message} %{fields.none}.'}
                add: {fields.k: 'never', fields.env: prod}
                """, "hello", "{\"k\":\"old\",\"user\":\"ann\"}");

        assertThat(fields(out)).isEqualTo(
                "{\"k\":\"new\",\"user\":\"ann\",\"who\":\"ann@web: hello .\",\"env\":\"prod\"}");
    }

    @Test
    void writingTheMessageChangesIt() throws Exception {
        MessageBatch out = run("""
                set: {message: '[%{fields.level}] %{message}'}
                uppercase: [message]
                """, "disk full", "{\"level\":\"warn\"}");

        assertThat(message(out)).isEqualTo("[WARN] DISK FULL");
    }

    @Test
    void convertsAndTagsWhatCannotBeConverted() throws Exception {
        MessageBatch out = run("""
                convert: {fields.status: integer, fields.ms: float, fields.ok: boolean, fields.n: string,
                          fields.bad: integer, fields.list: integer}
                """, "m",
                "{\"status\":\"200\",\"ms\":\" 1.5 \",\"ok\":\"yes\",\"n\":7,\"bad\":\"2x\",\"list\":[\"1\",2.9]}");

        assertThat(fields(out)).isEqualTo(
                "{\"status\":200,\"ms\":1.5,\"ok\":true,\"n\":\"7\",\"bad\":\"2x\",\"list\":[1,2]}");
        assertThat(out.freeTags(0)).containsExactly(MutateFilter.CONVERT_FAILURE);
        assertThat(stats.failures.sum()).isEqualTo(1);
    }

    @Test
    void conversionsOfEdgeValues() {
        assertThat(MutateFilter.convert("-12", Conversion.INTEGER)).isEqualTo(-12L);
        assertThat(MutateFilter.convert("99999999999999999999", Conversion.INTEGER))
                .isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(MutateFilter.convert("3.99", Conversion.INTEGER)).isEqualTo(3L);
        assertThat(MutateFilter.convert("-", Conversion.INTEGER)).isNull();
        assertThat(MutateFilter.convert("NaN", Conversion.FLOAT)).isNull();
        assertThat(MutateFilter.convert(2L, Conversion.BOOLEAN)).isNull();
        assertThat(MutateFilter.convert(0L, Conversion.BOOLEAN)).isEqualTo(false);
        assertThat(MutateFilter.convert(Map.of(), Conversion.STRING)).isNull();
    }

    @Test
    void casesStripsSplitsAndJoins() throws Exception {
        MessageBatch out = run("""
                lowercase: [fields.method]
                strip: [fields.pad, message]
                split: {fields.csv: ', '}
                join: {fields.words: '-'}
                """, "  spaced  ", "{\"method\":\"GET\",\"pad\":\" x \",\"csv\":\"a, b, , c\",\"words\":[\"x\",1,true]}");

        assertThat(fields(out)).isEqualTo(
                "{\"method\":\"get\",\"pad\":\"x\",\"csv\":[\"a\",\"b\",\"\",\"c\"],\"words\":\"x-1-true\"}");
        assertThat(message(out)).isEqualTo("spaced");
    }

    @Test
    void operationsRunInTheDocumentedOrderNotTheWrittenOne() throws Exception {
        MessageBatch out = run("""
                lowercase: [fields.b]
                convert: {fields.b: string}
                rename: {fields.a: fields.b}
                """, "m", "{\"a\":\"UP\"}");

        assertThat(fields(out)).isEqualTo("{\"b\":\"up\"}");
    }

    @Test
    void anEventWithNothingAtThePathsIsLeftAsItArrived() throws Exception {
        MessageBatch out = run("""
                rename: {fields.x: fields.y}
                convert: {fields.z: integer}
                lowercase: [fields.w]
                """, "m", "{\"a\":  1}");

        assertThat(fields(out)).as("the same bytes: nothing written").isEqualTo("{\"a\":  1}");
        assertThat(out.hasFreeTags()).isFalse();
    }
}
