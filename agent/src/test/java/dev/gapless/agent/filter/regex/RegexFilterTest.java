package dev.gapless.agent.filter.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.config.filter.regex.RegexFilterConfig;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The live regex filter: named groups as strings under target, the first pattern that matches, failures, budget. */
class RegexFilterTest {

    private final FilterStats stats = new FilterStats("regex_1", "regex");

    private static RegexFilterConfig config(String section) throws ConfigException {
        return (RegexFilterConfig) ConfigLoader.parse("filters:\n  - type: regex\n" + section.indent(4), "t.yaml",
                Path.of("/tmp"), Map.of()).filters().get(0);
    }

    /** Runs one regex filter, its section given as YAML lines, over one event, through the factory and a chain. */
    private MessageBatch run(String section, String message) throws Exception {
        FilterChain chain = new FilterChain(List.of(new FilterChain.Step(stats, Optional.empty(),
                new RegexFilterFactory().create(config(section), new FilterContext(stats, Clock.systemUTC())))),
                4 << 20);
        MessageBatch b = new MessageBatch(1 << 16);
        b.source("web");
        b.receivedAtNanos(1L);
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        b.add(m, 0, m.length, 0);
        return chain.runner().apply(b);
    }

    private static String fields(MessageBatch b) {
        return new String(b.fieldsArray(), b.fieldsOffset(0), b.fieldsLength(0), StandardCharsets.UTF_8);
    }

    private static byte[] message(MessageBatch b) {
        return Arrays.copyOfRange(b.array(), b.offset(0), b.offset(0) + b.length(0));
    }

    @Test
    void namedGroupsAreWrittenAsStringsUnderFields() throws Exception {
        MessageBatch out = run("pattern: '^(?<level>[A-Z]+) (?<code>\\d+) (?<msg>.*)$'", "ERROR 503 disk full");

        assertThat(fields(out)).isEqualTo("{\"level\":\"ERROR\",\"code\":\"503\",\"msg\":\"disk full\"}");
        assertThat(out.hasFreeTags()).isFalse();
        assertThat(message(out)).asString(StandardCharsets.UTF_8).isEqualTo("ERROR 503 disk full");
        assertThat(stats.failures.sum()).isZero();
    }

    @Test
    void aCustomTargetAndDottedGroupNamesNestTheFields() throws Exception {
        MessageBatch out = run("""
                pattern: '^(?<client.ip>\\S+) (?<verb>[A-Z]+)'
                target: fields.http
                """, "203.0.113.9 GET /index.html");

        assertThat(fields(out)).isEqualTo("{\"http\":{\"client\":{\"ip\":\"203.0.113.9\"},\"verb\":\"GET\"}}");
    }

    @Test
    void theFirstPatternThatMatchesWins() throws Exception {
        MessageBatch out = run("""
                pattern:
                  - '^id=(?<id>\\d+)'
                  - '^user=(?<user>\\w+)'
                  - '^(?<all>.*)$'
                """, "user=bob");

        assertThat(fields(out)).isEqualTo("{\"user\":\"bob\"}");
    }

    @Test
    void noMatchKeepsTheEventUnchangedTaggedAndCounted() throws Exception {
        MessageBatch out = run("pattern: '^(?<n>\\d+)$'", "not a number");

        assertThat(out.size()).isEqualTo(1);
        assertThat(out.freeTags(0)).containsExactly("_regexparsefailure");
        assertThat(out.fieldsLength(0)).isZero();
        assertThat(message(out)).asString(StandardCharsets.UTF_8).isEqualTo("not a number");
        assertThat(stats.failures.sum()).isEqualTo(1);
        assertThat(stats.timeouts.sum()).isZero();
    }

    @Test
    void aCustomTagOnFailureReplacesTheDefault() throws Exception {
        MessageBatch out = run("""
                pattern: '^(?<n>\\d+)$'
                tag_on_failure: [unparsed, no_number]
                """, "words");

        assertThat(out.freeTags(0)).containsExactly("unparsed", "no_number");
        assertThat(stats.failures.sum()).isEqualTo(1);
    }

    @Test
    void aGrokReferenceIsNoPatternOfARegexFilterAndAConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> config("pattern: '%{WORD:user} logged in'"));

        assertThat(e).as("expected the config to be refused").isNotNull();
        assertThat(e.errors()).hasSize(1);
        ConfigError error = e.errors().get(0);
        assertThat(error.path()).isEqualTo("filters[0].pattern");
        assertThat(error.message()).contains("does not compile").contains("(at index").contains("use type: grok");
    }

    @Test
    void grokOnlyKeysAreUnknownToARegexFilter() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> config("""
                pattern: '^(?<user>\\w+)'
                patterns: {APPID: 'app-[0-9]{4}'}
                """));

        assertThat(e).as("expected the config to be refused").isNotNull();
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("filters[0].patterns");
    }

    @Test
    void catastrophicBacktrackingRunsOutOfBudgetAndKeepsTheEvent() throws Exception {
        String line = "a".repeat(1 << 20) + "!";

        MessageBatch out = run("pattern: '^(?<a>(a+)+)$'", line);

        assertThat(out.size()).isEqualTo(1);
        assertThat(out.freeTags(0)).containsExactly(RegexFilterConfig.TIMEOUT_TAG);
        assertThat(stats.timeouts.sum()).isEqualTo(1);
        assertThat(stats.failures.sum()).isZero();
        assertThat(out.fieldsLength(0)).isZero();
        assertThat(message(out)).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMatchThatOverflowsTheStackIsTakenAsOutOfBudgetNotAsAnError() throws Exception {
        // java.util.regex recurses once per repetition of (a|b): a long run overflows any stack, well within budget.
        String line = "ab".repeat(100_000);

        MessageBatch out = run("pattern: '^(?<x>(a|b)+)$'", line);

        assertThat(out.size()).isEqualTo(1);
        assertThat(out.freeTags(0)).containsExactly(RegexFilterConfig.TIMEOUT_TAG);
        assertThat(stats.timeouts.sum()).isEqualTo(1);
        assertThat(stats.errors.sum()).isZero();
        assertThat(message(out)).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    }
}
