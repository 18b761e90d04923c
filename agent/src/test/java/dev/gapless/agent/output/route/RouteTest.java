package dev.gapless.agent.output.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.condition.Condition;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RouteTest {

    private static JournalRecord record(RecordKind kind, String source, String message, String fields, int tags) {
        return new JournalRecord(kind, 1, 0, 0, 0, 0, -1, tags, source, message.getBytes(StandardCharsets.UTF_8),
                fields.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static JournalRecord event(String fields) {
        return record(RecordKind.EVENT, "app", "hello", fields, 0);
    }

    private static Route route(String when) throws Exception {
        return Route.when(Condition.parse(when));
    }

    @Test
    void conditionOnANestedFieldReadsTheFieldsJson() throws Exception {
        Route r = route("fields.http.status >= 500");
        assertThat(r.carries(event("{\"http\":{\"status\":503}}"))).isTrue();
        assertThat(r.carries(event("{\"http\":{\"status\":200}}"))).isFalse();
        assertThat(r.carries(event("{}"))).as("missing field").isFalse();
        assertThat(r.carries(event(""))).as("no fields at all").isFalse();
        assertThat(r.carries(event("{not json"))).as("unreadable fields match nothing").isFalse();
    }

    @Test
    void conditionOnTagsSourceAndMessage() throws Exception {
        JournalRecord tagged = record(RecordKind.EVENT, "syslog", "boom at 3", "{}", Tags.INVALID_UTF8);
        JournalRecord plain = record(RecordKind.EVENT, "app", "quiet", "{}", 0);
        assertThat(route("\"invalid_utf8\" in tags").carries(tagged)).isTrue();
        assertThat(route("\"invalid_utf8\" in tags").carries(plain)).isFalse();
        assertThat(route("source == \"syslog\"").carries(tagged)).isTrue();
        assertThat(route("source == \"syslog\"").carries(plain)).isFalse();
        assertThat(route("message =~ \"boom\"").carries(tagged)).isTrue();
        assertThat(route("message =~ \"boom\"").carries(plain)).isFalse();
        assertThat(route("source == \"app\" || exists(fields.x)").carries(plain)).isTrue();
        JournalRecord filtered = new JournalRecord(RecordKind.EVENT, 1, 0, 0, 0, 0, -1, Tags.TRUNCATED, "web",
                new byte[0], new byte[0], 0, java.util.List.of("_grokparsefailure"));
        assertThat(route("\"_grokparsefailure\" in tags").carries(filtered)).as("a free-form tag").isTrue();
        assertThat(route("\"truncated\" in tags").carries(filtered)).isTrue();
    }

    @Test
    void heartbeatsAndLossMarkersAlwaysPass() throws Exception {
        Route r = route("source == \"nothing-matches\"");
        assertThat(r.carries(record(RecordKind.HEARTBEAT, "_agent", "", "{}", 0))).isTrue();
        assertThat(r.carries(record(RecordKind.LOSS, "_agent", "", "{\"from_seq\":1}", 0))).isTrue();
        assertThat(r.carries(event("{}"))).isFalse();
    }

    @Test
    void withoutAConditionEverythingPasses() {
        assertThat(Route.all().filters()).isFalse();
        assertThat(Route.all().carries(event("{}"))).isTrue();
    }
}
