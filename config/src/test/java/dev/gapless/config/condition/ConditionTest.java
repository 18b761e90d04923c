package dev.gapless.config.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.grok.MatchConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {

    /** An event as a map from the root: source, message, tags, fields. */
    private static Condition.Subject event(Map<String, Object> root) {
        return path -> {
            Object at = root;
            for (String key : path.segments()) {
                if (!(at instanceof Map<?, ?> m)) {
                    return null;
                }
                at = m.get(key);
            }
            return at;
        };
    }

    private static final Map<String, Object> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("response", "503");
        FIELDS.put("status", 503L);
        FIELDS.put("ratio", 0.25);
        FIELDS.put("ok", false);
        FIELDS.put("user", Map.of("name", "ann", "roles", List.of("admin", "dev")));
        FIELDS.put("http.method", "GET");
        FIELDS.put("empty", "");
        FIELDS.put("nothing", null);
    }

    private static final Condition.Subject WEB = event(Map.of("source", "web", "message", "GET /index.html 503",
            "tags", List.of("truncated", "_grokparsefailure"), "fields", FIELDS));

    private static boolean eval(String condition) throws ConditionSyntaxException {
        return Condition.parse(condition).test(WEB);
    }

    @Test
    void comparesStringsNumbersAndBooleans() throws Exception {
        assertThat(eval("source == \"web\"")).isTrue();
        assertThat(eval("source == 'web'")).isTrue();
        assertThat(eval("source != \"web\"")).isFalse();
        assertThat(eval("fields.status == 503")).isTrue();
        assertThat(eval("fields.status == 503.0")).isTrue();
        assertThat(eval("fields.status >= 500 && fields.status < 600")).isTrue();
        assertThat(eval("fields.ratio < 0.5")).isTrue();
        assertThat(eval("fields.ratio > -1")).isTrue();
        assertThat(eval("fields.ok == false")).isTrue();
        assertThat(eval("fields.user.name == \"ann\"")).isTrue();
        assertThat(eval("fields.\"http.method\" == \"GET\"")).isTrue();
        assertThat(eval("\"web\" == source")).isTrue();
        assertThat(eval("fields.response > \"500\"")).isTrue(); // strings compare as text
    }

    @Test
    void aTypeMismatchIsFalseNeverAnError() throws Exception {
        assertThat(eval("fields.response == 503")).isFalse(); // "503" is a string
        assertThat(eval("fields.response > 100")).isFalse();
        assertThat(eval("fields.user > 1")).isFalse();
        assertThat(eval("fields.status == \"503\"")).isFalse();
        assertThat(eval("fields.status != \"503\"")).isTrue();
    }

    @Test
    void aMissingFieldComparesFalseAndIsNotEqual() throws Exception {
        assertThat(eval("fields.nope == \"x\"")).isFalse();
        assertThat(eval("fields.nope != \"x\"")).isTrue();
        assertThat(eval("fields.nope < 1 || fields.nope >= 1")).isFalse();
        assertThat(eval("fields.user.name.first == \"a\"")).isFalse(); // through a string
        assertThat(eval("fields.nope =~ \".*\"")).isFalse();
        assertThat(eval("fields.nope !~ \"x\"")).isTrue();
        assertThat(eval("fields.nope in [\"a\"]")).isFalse();
        assertThat(eval("fields.nothing == null")).isFalse(); // JSON null reads as missing
    }

    @Test
    void regexMatchFindsAnywhereAndReadsNumbersAsText() throws Exception {
        assertThat(eval("fields.response =~ \"^5\"")).isTrue();
        assertThat(eval("fields.status =~ \"^5\\d\\d$\"")).isTrue();
        assertThat(eval("message =~ \"index\"")).isTrue();
        assertThat(eval("message !~ \"^POST\"")).isTrue();
        assertThat(eval("fields.user =~ \".\"")).isFalse(); // a map has no text
    }

    /** Both {@code =~} and {@code !~} with {@code regex} on {@code message}: false, each counted once. */
    private static void assertUndecided(String regex, String message) throws Exception {
        Condition.Subject hostile = event(Map.of("message", message));
        for (String op : List.of("=~", "!~")) {
            Condition c = Condition.parse("message " + op + " \"" + regex + "\"");
            assertThat(c.test(hostile)).as("undecided is false for %s: a drop with !~ must not drop", op).isFalse();
            assertThat(c.regexTimeouts()).as(op).isEqualTo(1);
        }
    }

    @Test
    void aCatastrophicRegexRunsOutOfBudgetAndIsFalseForMatchAndNoMatch() throws Exception {
        assertUndecided("^(a+)+$", "a".repeat(1 << 20) + "b");
    }

    @Test
    void aRegexThatOverflowsTheStackIsUndecidedNeverAnError() throws Exception {
        // java.util.regex recurses once per repetition of (a|b): a 1 MiB text overflows the stack, not the budget
        assertUndecided("^(a|b)+$", "a".repeat(1 << 20) + "c");
    }

    @Test
    void theRegexBudgetIsGroksDefault() {
        // the README says so instead of giving the figures twice
        assertThat(Condition.REGEX_STEPS_PER_CHAR).isEqualTo(MatchConfig.DEFAULT_STEPS_PER_CHAR);
        assertThat(Condition.REGEX_MAX_STEPS).isEqualTo(MatchConfig.DEFAULT_MAX_STEPS);
        assertThat(Condition.REGEX_TIMEOUT).isEqualTo(MatchConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void regexTimeoutsAreSummedOverTheTreeAndZeroForAnOrdinaryMatch() throws Exception {
        Condition ordinary = Condition.parse("message =~ \"index\" && !(source !~ \"^w\") || exists(fields.x)");
        assertThat(ordinary.test(WEB)).isTrue();
        assertThat(ordinary.regexTimeouts()).isZero();

        Condition.Subject hostile = event(Map.of("source", "web", "message", "a".repeat(1 << 20) + "b"));
        Condition both = Condition.parse("source == \"web\" && message =~ \"^(a+)+$\" || message !~ \"^(a+)+$\"");
        assertThat(both.test(hostile)).isFalse();
        assertThat(both.regexTimeouts()).isEqualTo(2);
    }

    @Test
    void inLooksInListsAndStrings() throws Exception {
        assertThat(eval("\"_grokparsefailure\" in tags")).isTrue();
        assertThat(eval("\"_other\" in tags")).isFalse();
        assertThat(eval("source in [\"web\", \"api\"]")).isTrue();
        assertThat(eval("fields.status in [200, 503]")).isTrue();
        assertThat(eval("\"admin\" in fields.user.roles")).isTrue();
        assertThat(eval("\"index\" in message")).isTrue();
        assertThat(eval("fields.status in []")).isFalse();
    }

    @Test
    void existsAndBarePaths() throws Exception {
        assertThat(eval("exists(fields.user.name)")).isTrue();
        assertThat(eval("exists(fields.empty)")).isTrue();
        assertThat(eval("exists(fields.nope)")).isFalse();
        assertThat(eval("exists(fields.nothing)")).isFalse();
        assertThat(eval("fields.user")).isTrue();
        assertThat(eval("fields.empty")).isFalse();
        assertThat(eval("fields.ok")).isFalse();
        assertThat(eval("fields.nope")).isFalse();
        assertThat(eval("!fields.nope")).isTrue();
    }

    @Test
    void precedenceIsNotThenAndThenOr() throws Exception {
        // true || (false && false): && binds tighter
        assertThat(eval("source == \"web\" || source == \"x\" && source == \"y\"")).isTrue();
        assertThat(eval("(source == \"web\" || source == \"x\") && source == \"y\"")).isFalse();
        // ! negates the comparison after it, and binds tighter than && and ||
        assertThat(eval("!source == \"x\"")).isTrue();
        assertThat(eval("!source == \"web\" || fields.status == 503")).isTrue();
        assertThat(eval("!source == \"web\" && fields.status == 503")).isFalse();
        assertThat(eval("!(source == \"x\") && fields.status == 503")).isTrue();
        assertThat(eval("!!exists(fields.user)")).isTrue();
        assertThat(eval("  fields.status==503&&source=='web'  ")).isTrue();
    }

    @Test
    void keepsItsText() throws Exception {
        assertThat(Condition.parse(" source == \"web\" ").toString()).isEqualTo("source == \"web\"");
    }

    private static ConditionSyntaxException error(String condition) {
        return catchThrowableOfType(() -> Condition.parse(condition), ConditionSyntaxException.class);
    }

    @Test
    void syntaxErrorsSayWhatAndWhere() {
        assertThat(error("")).hasMessageContaining("empty");
        ConditionSyntaxException e = error("source == ");
        assertThat(e).hasMessageContaining("got the end");
        assertThat(e.index()).isEqualTo(10);
        e = error("sauce == \"web\"");
        assertThat(e).hasMessageContaining("unknown field 'sauce'").hasMessageContaining("source, message, tags");
        assertThat(e.index()).isEqualTo(0);
        e = error("source == \"web");
        assertThat(e).hasMessageContaining("not closed");
        assertThat(e.index()).isEqualTo(10);
        e = error("(source == \"web\"");
        assertThat(e).hasMessageContaining("expected ')'");
        e = error("source == \"web\" source");
        assertThat(e).hasMessageContaining("expected '&&', '||' or the end");
        assertThat(e.index()).isEqualTo(16);
        assertThat(error("message =~ \"(\"")).hasMessageContaining("does not compile");
        assertThat(error("message =~ fields.x")).hasMessageContaining("regular expression in quotes");
        assertThat(error("\"a\" == \"b\"")).hasMessageContaining("no field path");
        assertThat(error("\"a\"")).hasMessageContaining("expected a comparison");
        assertThat(error("source.x == 1")).hasMessageContaining("only fields");
        assertThat(error("fields.status < [1]")).hasMessageContaining("a list can only");
        assertThat(error("source in 3")).hasMessageContaining("in takes");
        assertThat(error("exists(\"x\")")).hasMessageContaining("takes a field path");
        assertThat(error("exists fields.x")).hasMessageContaining("expected '('");
        assertThat(error("fields..x == 1")).hasMessageContaining("not a field path");
        assertThat(error("fields.x == 1.2.3")).hasMessageContaining("not a number");
        assertThat(error("source in [\"a\" \"b\"]")).hasMessageContaining("expected ',' or ']'");
        assertThat(error("source in [fields.a]")).hasMessageContaining("a list holds");
    }

    @Test
    void nestingAndLengthAreBounded() {
        String deep = "(".repeat(40) + "source == \"x\"" + ")".repeat(40);
        assertThat(error(deep)).hasMessageContaining("nested deeper than");
        String nots = "!".repeat(40) + "exists(fields.a)";
        assertThat(error(nots)).hasMessageContaining("nested deeper than");
        String shallow = "(".repeat(20) + "source == \"web\"" + ")".repeat(20);
        assertThat(catchThrowableOfType(() -> Condition.parse(shallow), ConditionSyntaxException.class)).isNull();
        assertThat(error("source == \"" + "x".repeat(Condition.MAX_LENGTH) + "\"")).hasMessageContaining("longer");
    }

    @Test
    void aSubjectPathIsTheParsedFieldPath() throws Exception {
        FieldPath[] seen = new FieldPath[1];
        Condition.parse("fields.\"a.b\".c == 1").test(p -> {
            seen[0] = p;
            return null;
        });
        assertThat(seen[0].segments()).containsExactly("fields", "a.b", "c");
    }
}
