package dev.gapless.agent.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.BoundedText;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.filter.grok.CompiledPattern;
import dev.gapless.config.filter.grok.GrokCompiler;
import dev.gapless.config.filter.grok.GrokLibrary;
import dev.gapless.config.filter.grok.MatchConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A grok expression with its plan writes exactly what the whole regex writes: on real lines (the first of each
 * expression's must match by the plan alone) and on thousands of damaged copies of them (where the plan often fails
 * and the regex decides).
 */
class GrokPlanTest {

    private static final String[][] CASES = {
        {"%{COMBINEDAPACHELOG}",
            "203.0.113.9 - frank [10/Oct/2024:13:55:36 -0700] \"GET /a.gif?x=1 HTTP/1.1\" 200 2326"
                + " \"http://example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
            "2001:db8::1 - ann@example.org [1/Sep/2026:01:02:03 +0000] \"POST /x HTTP/2.0\" 404 -"
                + " \"-\" \"curl/8.5 \\\"quoted\\\"\"",
            "web-1.example.com - - [31/Dec/2026:23:59:60.5 +0100] \"-\" 400 0 \"-\" \"-\""},
        {"%{HTTPD_ERRORLOG}",
            "[Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 35708:tid 4328636416] [client 192.0.2.1:51234]"
                + " AH00128: File does not exist: /var/www/favicon.ico",
            "[Mon Jan 02 01:02:03 2026] [notice] Apache configured -- resuming normal operations"},
        {"%{NGINX_ERRORLOG}",
            "2026/11/23 10:00:01 [error] 1234#0: *5 open() \"/srv/x\" failed (2: No such file), client: 198.51.100.4,"
                + " server: example.com, request: \"GET /x HTTP/1.1\", host: \"example.com\""},
        {"%{SYSLOGLINE}",
            "Nov 23 10:00:01 host1 sshd[4242]: Accepted publickey for ann from 192.0.2.7 port 50000",
            "Feb  3 04:05:06 <3.6> gw kernel: link up"},
        {"%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:msg}",
            "2026-11-23T10:00:01.123+01:00 WARN disk almost full",
            "2026-11-23 10:00:01Z error boom"},
        {"%{IP:client.ip} took %{INT:ms:int} ms, %{NUMBER:load:float} load (?<rest>.*)",
            "10.1.2.3 took 12 ms, 0.5 load and more",
            "fe80::1%eth0 took -3 ms, .5 load"},
    };

    private static final String NOISE = "0123456789 .:-/[]\"\\'aZé\t";

    @Test
    void thePlanWritesWhatTheWholeRegexWrites() throws Exception {
        Random random = new Random(1203L);
        int compared = 0;
        for (String[] c : CASES) {
            MatchingFilter planned = filter(c[0], true);
            MatchingFilter whole = filter(c[0], false);
            assertThat(pattern(c[0], true).plan()).as("%s has a plan", c[0]).isNotNull();
            for (int l = 1; l < c.length; l++) {
                if (l == 1) { // the others may need the regex: a lazy %{DATA} takes "" first, an IPv6 address
                    assertThat(planSucceeds(c[0], c[l])).as("the plan of %s matches by itself: %s", c[0], c[l])
                            .isTrue();
                }
                for (int v = 0; v < 400; v++) {
                    String line = v == 0 ? c[l] : damaged(c[l], random);
                    FilterEvent a = event(line);
                    FilterEvent b = event(line);
                    planned.apply(a);
                    whole.apply(b);
                    assertThat(a.fields()).as("%s on %s", c[0], line).isEqualTo(b.fields());
                    assertThat(a.tags()).as("%s on %s", c[0], line).isEqualTo(b.tags());
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(4000);
    }

    @Test
    void everyShippedPatternWritesWhatItsRegexWrites() throws Exception {
        Random random = new Random(31L);
        List<String> lines = new java.util.ArrayList<>();
        for (String[] c : CASES) {
            for (int l = 1; l < c.length; l++) {
                lines.add(c[l]);
                for (int v = 0; v < 12; v++) {
                    lines.add(damaged(c[l], random));
                }
            }
        }
        int planned = 0;
        for (String name : new java.util.TreeSet<>(GrokLibrary.definitions().keySet())) {
            for (String expression : List.of("%{" + name + ":x}", "%{" + name + ":x} %{NOTSPACE:next}")) {
                planned += pattern(expression, true).plan() != null ? 1 : 0;
                MatchingFilter withPlan = filter(expression, true);
                MatchingFilter whole = filter(expression, false);
                for (String line : lines) {
                    FilterEvent a = event(line);
                    FilterEvent b = event(line);
                    withPlan.apply(a);
                    whole.apply(b);
                    assertThat(a.fields()).as("%s on %s", expression, line).isEqualTo(b.fields());
                    assertThat(a.tags()).as("%s on %s", expression, line).isEqualTo(b.tags());
                }
            }
        }
        assertThat(planned).as("expressions with a plan").isGreaterThan(50);
    }

    private static boolean planSucceeds(String expression, String line) throws Exception {
        CompiledPattern p = pattern(expression, true);
        BoundedText text = new BoundedText().reset(line, Long.MAX_VALUE, Long.MAX_VALUE / 4);
        return new PlanRunner(p.plan(), p.captures().size(), text).run(line, text);
    }

    /** A copy with one to three characters replaced, removed or put in. */
    private static String damaged(String line, Random random) {
        StringBuilder b = new StringBuilder(line);
        for (int k = 1 + random.nextInt(3); k > 0 && b.length() > 0; k--) {
            int at = random.nextInt(b.length());
            char noise = NOISE.charAt(random.nextInt(NOISE.length()));
            switch (random.nextInt(3)) {
                case 0 -> b.setCharAt(at, noise);
                case 1 -> b.deleteCharAt(at);
                default -> b.insert(at, noise);
            }
        }
        return b.toString();
    }

    private static CompiledPattern pattern(String expression, boolean plan) throws Exception {
        GrokCompiler compiler = new GrokCompiler(GrokLibrary.definitions());
        return plan ? compiler.compileWithPlan(expression) : compiler.compile(expression);
    }

    private static MatchingFilter filter(String expression, boolean plan) throws Exception {
        return new MatchingFilter(new MatchConfig(MatchConfig.DEFAULT_FIELD, List.of(pattern(expression, plan)),
                MatchConfig.DEFAULT_TARGET, List.of("_grokparsefailure"), MatchConfig.DEFAULT_TIMEOUT,
                MatchConfig.DEFAULT_STEPS_PER_CHAR, MatchConfig.DEFAULT_MAX_STEPS, false), "_grok_timeout",
                new FilterStats("grok_1", "grok"));
    }

    private static FilterEvent event(String message) {
        FilterEvent e = new FilterEvent();
        e.message(message);
        return e;
    }
}
