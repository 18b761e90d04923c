package dev.gapless.agent.filter.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.config.filter.redact.RedactFilterConfig;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The redact filter through the chain: each rule, the Luhn check, counts per rule, the budget, config errors. */
class RedactFilterTest {

    private FilterStats stats;

    private FilterChain chain(String settings) throws Exception {
        RedactFilterConfig c = (RedactFilterConfig) ConfigLoader.parse("filters:\n  - type: redact\n"
                + settings.indent(4), "t.yaml", Path.of("/tmp"), Map.of()).filters().get(0);
        stats = new FilterStats(c.id(), c.type());
        return new FilterChain(List.of(new FilterChain.Step(stats, c.when(),
                new RedactFilterFactory().create(c, new FilterContext(stats, Clock.systemUTC())))), 1 << 24);
    }

    private static MessageBatch run(FilterChain chain, String message) {
        MessageBatch b = new MessageBatch(64);
        b.source("s");
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        b.add(m, 0, m.length, 0);
        return chain.runner().apply(b);
    }

    private static String message(MessageBatch b) {
        return new String(b.array(), b.offset(0), b.length(0), StandardCharsets.UTF_8);
    }

    @Test
    void masksEachBuiltInRuleAndCountsItsMatches() throws Exception {
        FilterChain chain = chain("rules: [email, credit_card, bearer_token, aws_access_key, aws_secret_key]");

        MessageBatch out = run(chain, "user bob@example.com and ann.b+x@mail.example.org paid with 4111 1111 1111"
                + " 1111; Authorization: Bearer eyJhbGciOi.J9-x_y; key AKIAIOSFODNN7EXAMPLE"
                + " aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

        assertThat(message(out)).isEqualTo("user [REDACTED] and [REDACTED] paid with [REDACTED]; Authorization:"
                + " Bearer [REDACTED]; key [REDACTED] aws_secret_access_key=[REDACTED]");
        assertThat(stats.rule("email").sum()).isEqualTo(2);
        assertThat(stats.rule("credit_card").sum()).isEqualTo(1);
        assertThat(stats.rule("bearer_token").sum()).isEqualTo(1);
        assertThat(stats.rule("aws_access_key").sum()).isEqualTo(1);
        assertThat(stats.rule("aws_secret_key").sum()).isEqualTo(1);
    }

    @Test
    void aNumberThatFailsTheLuhnCheckIsNoCardAndStays() throws Exception {
        FilterChain chain = chain("rules: [credit_card]");

        assertThat(message(run(chain, "order 4111-1111-1111-1112 shipped"))).isEqualTo("order 4111-1111-1111-1112"
                + " shipped");
        assertThat(message(run(chain, "card 5500005555555559 ok"))).isEqualTo("card [REDACTED] ok");
        assertThat(message(run(chain, "short 4242424242 id"))).isEqualTo("short 4242424242 id");
        assertThat(RedactFilter.luhn("79927398713", 0, 11)).isTrue();
        assertThat(RedactFilter.luhn("79927398710", 0, 11)).isFalse();
        assertThat(stats.rule("credit_card").sum()).isEqualTo(1);
    }

    @Test
    void userPatternsMaskTheirWholeMatchWithTheirOwnMaskAndCounter() throws Exception {
        FilterChain chain = chain("patterns: {ssn: '\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b'}\nmask: '***'");

        MessageBatch out = run(chain, "ssn 123-45-6789 and 987-65-4321");

        assertThat(message(out)).isEqualTo("ssn *** and ***");
        assertThat(stats.rules()).containsOnlyKeys("ssn");
        assertThat(stats.rule("ssn").sum()).isEqualTo(2);
    }

    @Test
    void aFieldUnderFieldsIsMaskedAndAMessageWithoutMatchesKeepsItsBytes() throws Exception {
        FilterChain chain = chain("field: fields.user\nrules: [email]");
        MessageBatch b = new MessageBatch(64);
        b.source("s");
        b.add(new byte[] {'a', (byte) 0xFF}, 0, 2, 0);
        byte[] f = "{\"user\":\"x@y.io\"}".getBytes(StandardCharsets.UTF_8);
        b.fieldsOfLast(f, 0, f.length);

        MessageBatch out = chain.runner().apply(b);

        assertThat(new String(out.fieldsArray(), out.fieldsOffset(0), out.fieldsLength(0), StandardCharsets.UTF_8))
                .isEqualTo("{\"user\":\"[REDACTED]\"}");
        assertThat(out.array()[out.offset(0) + 1]).isEqualTo((byte) 0xFF);
    }

    @Test
    void aPatternOutOfItsBudgetMasksTheWholeFieldAndTagsTheEvent() throws Exception {
        FilterChain chain = chain("patterns: {evil: '(a+)+$'}");
        String hostile = "a".repeat(1 << 20) + "b";

        MessageBatch out = run(chain, hostile);

        assertThat(message(out)).isEqualTo("[REDACTED]");
        assertThat(out.freeTags(0)).containsExactly(RedactFilterConfig.TIMEOUT_TAG);
        assertThat(stats.timeouts.sum()).isEqualTo(1);
    }

    @Test
    void unknownRulesBadPatternsAndNoRulesAreConfigErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                filters:
                  - type: redact
                    rules: [email, phone]
                  - type: redact
                    patterns: {broken: '(x'}
                  - type: redact
                  - type: redact
                    field: source
                    rules: [email]
                """, "t.yaml", Path.of("/tmp"), Map.of()));

        assertThat(e.errors()).extracting(x -> x.line() + ":" + x.path()).containsExactly("3:filters[0].rules",
                "5:filters[1].patterns", "6:filters[2]", "8:filters[3].field");
        assertThat(e.errors().get(0).message()).contains("unknown rule 'phone'");
    }
}
