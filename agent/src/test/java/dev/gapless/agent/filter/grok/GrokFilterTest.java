package dev.gapless.agent.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.grok.GrokCompiler;
import dev.gapless.config.filter.grok.GrokLibrary;
import dev.gapless.config.filter.grok.MatchConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live grok filter: captures and their types, the first pattern that matches, failures and the budget. */
class GrokFilterTest {

    private final FilterStats stats = new FilterStats("grok_1", "grok");

    private MatchingFilter grok(String... expressions) throws Exception {
        GrokCompiler compiler = new GrokCompiler(GrokLibrary.definitions());
        List<dev.gapless.config.filter.grok.CompiledPattern> patterns = new java.util.ArrayList<>();
        for (String e : expressions) {
            patterns.add(compiler.compileWithPlan(e)); // as the filter is built from its config
        }
        return new MatchingFilter(new MatchConfig(MatchConfig.DEFAULT_FIELD, patterns, MatchConfig.DEFAULT_TARGET,
                List.of("_grokparsefailure"), MatchConfig.DEFAULT_TIMEOUT, MatchConfig.DEFAULT_STEPS_PER_CHAR,
                MatchConfig.DEFAULT_MAX_STEPS, false), "_grok_timeout", stats);
    }

    private static FilterEvent event(String message) {
        FilterEvent e = new FilterEvent();
        e.message(message);
        return e;
    }

    @Test
    void parsesAnApacheCombinedLine() throws Exception {
        FilterEvent e = event("203.0.113.9 - frank [10/Oct/2024:13:55:36 -0700] \"GET /a.gif?x=1 HTTP/1.1\" 200 2326"
                + " \"http://example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");

        assertThat(grok("%{COMBINEDAPACHELOG}").apply(e)).isTrue();

        assertThat(e.fields()).containsEntry("clientip", "203.0.113.9").containsEntry("ident", "-")
                .containsEntry("auth", "frank").containsEntry("timestamp", "10/Oct/2024:13:55:36 -0700")
                .containsEntry("verb", "GET").containsEntry("request", "/a.gif?x=1")
                .containsEntry("httpversion", "1.1").containsEntry("response", "200")
                .containsEntry("bytes", "2326").containsEntry("referrer", "\"http://example.com/start.html\"")
                .containsEntry("agent", "\"Mozilla/4.08 [en] (Win98; I ;Nav)\"").doesNotContainKey("rawrequest");
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void convertsTypedCapturesIntoDottedPaths() throws Exception {
        FilterEvent e = event("2001:db8::1 took 12 ms, 0.5 load, code x1");

        grok("%{IP:client.ip} took %{INT:ms:int} ms, %{NUMBER:load:float} load, code %{NOTSPACE:code:int}").apply(e);

        assertThat(e.fields()).containsEntry("client", Map.of("ip", "2001:db8::1")).containsEntry("ms", 12L)
                .containsEntry("load", 0.5).containsEntry("code", "x1");
    }

    @Test
    void firstMatchingPatternWins() throws Exception {
        FilterEvent e = event("user=bob");

        grok("^id=%{INT:id}", "^user=%{WORD:user}", "^%{GREEDYDATA:all}").apply(e);

        assertThat(e.fields()).isEqualTo(Map.of("user", "bob"));
    }

    @Test
    void tagsAndCountsAFailureAndKeepsTheEvent() throws Exception {
        FilterEvent e = event("not a number");

        assertThat(grok("^%{INT:n}$").apply(e)).isTrue();

        assertThat(e.tags()).containsExactly("_grokparsefailure");
        assertThat(stats.failures.sum()).isEqualTo(1);
        assertThat(e.fields()).isEmpty();
    }

    @Test
    void catastrophicBacktrackingRunsOutOfBudget() throws Exception {
        FilterEvent e = event("a".repeat(1 << 20) + "!");

        assertThat(grok("^(a+)+$").apply(e)).isTrue();

        assertThat(e.tags()).containsExactly("_grok_timeout");
        assertThat(stats.timeouts.sum()).isEqualTo(1);
        assertThat(stats.failures.sum()).isZero();
        assertThat(e.get(FieldPath.parse("fields"))).isEqualTo(Map.of());
    }
}
