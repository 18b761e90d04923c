package dev.gapless.agent.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.FieldPath;
import dev.gapless.config.condition.Condition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterChainTest {

    private static final long T = 1_700_000_000_000_000_000L;

    private static FilterChain.Step step(String id, String when, Filter f) throws Exception {
        Optional<Condition> condition = when == null ? Optional.empty() : Optional.of(Condition.parse(when));
        return new FilterChain.Step(new FilterStats(id, "test", condition), condition, f);
    }

    private static MessageBatch batch(String... messages) {
        MessageBatch b = new MessageBatch(64);
        b.source("web");
        b.receivedAtNanos(T);
        for (String m : messages) {
            byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
            b.add(bytes, 0, bytes.length, 0);
        }
        return b;
    }

    private static List<String> messages(MessageBatch b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            out.add(new String(b.array(), b.offset(i), b.length(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String fields(MessageBatch b, int i) {
        return new String(b.fieldsArray(), b.fieldsOffset(i), b.fieldsLength(i), StandardCharsets.UTF_8);
    }

    @Test
    void dropsWhereTheConditionHoldsAndCountsWhatItSawAndDropped() throws Exception {
        FilterChain.Step drop = step("drop_1", "message =~ \"^debug\"", e -> false);
        FilterChain chain = new FilterChain(List.of(drop), 1 << 20);

        MessageBatch out = chain.runner().apply(batch("debug a", "info b", "debug c", "warn d"));

        assertThat(messages(out)).containsExactly("info b", "warn d");
        assertThat(out.source()).isEqualTo("web");
        assertThat(drop.stats().events.sum()).as("applied where when: held").isEqualTo(2);
        assertThat(drop.stats().dropped.sum()).isEqualTo(2);
    }

    @Test
    void aWhenOutOfItsRegexBudgetDropsNothingAndIsCounted() throws Exception {
        FilterChain.Step drop = step("drop_1", "message !~ \"^(a+)+$\"", e -> false);
        FilterChain chain = new FilterChain(List.of(drop), 4 << 20);
        String hostile = "a".repeat(1 << 20) + "b";

        MessageBatch out = chain.runner().apply(batch("info b", hostile, "aaa"));

        assertThat(messages(out)).as("undecided is false: the drop is not applied").containsExactly(hostile, "aaa");
        assertThat(drop.stats().dropped.sum()).isEqualTo(1);
        assertThat(drop.stats().whenTimeouts()).isEqualTo(1);
        assertThat(drop.stats().errors.sum()).isZero();
    }

    @Test
    void anUntouchedEventKeepsItsOwnBytesFieldsTagsPositionAndTime() throws Exception {
        FilterChain chain = new FilterChain(List.of(step("look", null, e -> {
            e.message();
            e.fields();
            return true;
        })), 1 << 20);
        MessageBatch in = new MessageBatch(64);
        in.source("web");
        in.receivedAtNanos(T);
        in.add(new byte[] {'a', (byte) 0xFF, 'b'}, 0, 3, Tags.INVALID_UTF8);
        byte[] f = "{\"b\":1,  \"a\":2}".getBytes(StandardCharsets.UTF_8);
        in.fieldsOfLast(f, 0, f.length);
        in.positionOfLast(42);
        in.eventTimeOfLast(T - 5);

        MessageBatch out = chain.runner().apply(in);

        assertThat(out.size()).isEqualTo(1);
        assertThat(java.util.Arrays.copyOfRange(out.array(), out.offset(0), out.offset(0) + out.length(0)))
                .as("invalid UTF-8 stays as it arrived").containsExactly('a', (byte) 0xFF, 'b');
        assertThat(fields(out, 0)).as("fields read but not changed: the same bytes").isEqualTo("{\"b\":1,  \"a\":2}");
        assertThat(out.tags(0)).isEqualTo(Tags.INVALID_UTF8);
        assertThat(out.position(0)).isEqualTo(42);
        assertThat(out.eventTimeNanos(0)).isEqualTo(T - 5);
    }

    @Test
    void changesAreWrittenBackInOrderOfTheSteps() throws Exception {
        FieldPath level = FieldPath.parse("fields.level");
        FilterChain chain = new FilterChain(List.of(
                step("parse", null, e -> e.put(level, e.message().split(" ")[0])),
                step("upper", "fields.level == \"error\"", e -> {
                    e.message(e.message().toUpperCase());
                    e.tag("_shouted");
                    e.tag("truncated");
                    e.eventTimeNanos(T + 1);
                    return true;
                })), 1 << 20);

        MessageBatch out = chain.runner().apply(batch("error disk", "info ok"));

        assertThat(messages(out)).containsExactly("ERROR DISK", "info ok");
        assertThat(fields(out, 0)).isEqualTo("{\"level\":\"error\"}");
        assertThat(fields(out, 1)).isEqualTo("{\"level\":\"info\"}");
        assertThat(out.freeTags(0)).containsExactly("_shouted");
        assertThat(out.tags(0)).as("a built-in tag by name sets its bit").isEqualTo(Tags.TRUNCATED);
        assertThat(out.freeTags(1)).isEmpty();
        assertThat(out.eventTimeNanos(0)).isEqualTo(T + 1);
        assertThat(out.eventTimeNanos(1)).isEqualTo(T);
    }

    @Test
    void aFilterThatThrowsTagsTheEventWhichGoesOnThroughTheRest() throws Exception {
        FilterChain.Step boom = step("boom", null, e -> {
            throw new IllegalStateException("bug");
        });
        FilterChain.Step after = step("after", null, e -> {
            e.tag("_after");
            return true;
        });
        FilterChain chain = new FilterChain(List.of(boom, after), 1 << 20);

        MessageBatch out = chain.runner().apply(batch("a", "b"));

        assertThat(messages(out)).containsExactly("a", "b");
        assertThat(out.freeTags(0)).containsExactly(FilterChain.ERROR_TAG, "_after");
        assertThat(boom.stats().errors.sum()).isEqualTo(2);
        assertThat(after.stats().events.sum()).isEqualTo(2);
    }

    @Test
    void anEventMadeTooLargeIsKeptAsItArrivedAndTagged() throws Exception {
        FilterChain.Step grow = step("grow", null, e -> {
            e.message("x".repeat(2000));
            return true;
        });
        FilterChain chain = new FilterChain(List.of(grow), 1000);

        MessageBatch out = chain.runner().apply(batch("small"));

        assertThat(messages(out)).containsExactly("small");
        assertThat(out.freeTags(0)).containsExactly(FilterChain.OVERSIZE_TAG);
        assertThat(grow.stats().errors.sum()).isEqualTo(1);
    }

    @Test
    void emptyFieldsWriteNoFieldsAndTheInputBatchIsLeftAlone() throws Exception {
        FilterChain chain = new FilterChain(List.of(step("clear", null, e -> {
            e.remove(FieldPath.parse("fields"));
            return true;
        })), 1 << 20);
        MessageBatch in = batch("m");
        byte[] f = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        in.fieldsOfLast(f, 0, f.length);

        MessageBatch out = chain.runner().apply(in);

        assertThat(out.fieldsLength(0)).isZero();
        assertThat(fields(in, 0)).isEqualTo("{\"a\":1}");
    }

    @Test
    void eventPathsReadAndWriteWhereTheySay() {
        FilterEvent e = new FilterEvent();
        byte[] m = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] f = "{\"user\":{\"id\":7},\"list\":[1,2.5,\"x\",null,true]}".getBytes(StandardCharsets.UTF_8);
        e.load("src", m, 0, m.length, f, 0, f.length, 0, List.of("_a"), T, T);

        assertThat(e.get(FieldPath.parse("message"))).isEqualTo("hello");
        assertThat(e.get(FieldPath.parse("source"))).isEqualTo("src");
        assertThat(e.get(FieldPath.parse("tags"))).isEqualTo(List.of("_a"));
        assertThat(e.get(FieldPath.parse("fields.user.id"))).isEqualTo(7L);
        assertThat(e.get(FieldPath.parse("fields.list"))).isEqualTo(java.util.Arrays.asList(1L, 2.5, "x", null, true));
        assertThat(e.text(FieldPath.parse("fields.user.id"))).isEqualTo("7");
        assertThat(e.get(FieldPath.parse("fields.user.id.deeper"))).isNull();
        assertThat(e.put(FieldPath.parse("source"), "x")).as("source is read only").isFalse();
        assertThat(e.put(FieldPath.parse("fields.user.id.deeper"), 1)).as("through a number").isFalse();
        assertThat(e.put(FieldPath.parse("fields.a.b.c"), "made")).isTrue();
        assertThat(e.get(FieldPath.parse("fields.a"))).isEqualTo(Map.of("b", Map.of("c", "made")));
        assertThat(e.remove(FieldPath.parse("fields.user.id"))).isEqualTo(7L);
        assertThat(e.remove(FieldPath.parse("fields.user.id"))).isNull();
        assertThat(e.fieldsWereChanged()).isTrue();
        e.tag("_a");
        e.tag("_b");
        assertThat(e.tags()).containsExactly("_a", "_b");
        for (int i = 0; i < 100; i++) {
            e.tag("_t" + i);
        }
        assertThat(e.freeTags()).as("bounded").hasSize(FilterEvent.MAX_TAGS);
    }

    @Test
    void unreadableFieldsReadAsNoneAndStayAsTheyWere() throws Exception {
        FilterChain chain = new FilterChain(List.of(step("look", null, e -> {
            assertThat(e.fields()).isEmpty();
            return true;
        })), 1 << 20);
        MessageBatch in = batch("m");
        byte[] f = "{not json".getBytes(StandardCharsets.UTF_8);
        in.fieldsOfLast(f, 0, f.length);

        MessageBatch out = chain.runner().apply(in);

        assertThat(fields(out, 0)).isEqualTo("{not json");
    }
}
