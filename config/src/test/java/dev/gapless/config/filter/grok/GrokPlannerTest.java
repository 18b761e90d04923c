package dev.gapless.config.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which expressions get a plan: cut pieces number their groups anew, so back-references rule one out. */
class GrokPlannerTest {

    private static GrokCompiler compiler(String name, String definition) {
        Map<String, String> defs = new HashMap<>(GrokLibrary.definitions());
        defs.put(name, definition);
        return new GrokCompiler(defs);
    }

    @Test
    void aBackReferenceInADefinitionLeavesTheWholeExpressionToTheRegex() throws Exception {
        GrokCompiler c = compiler("TWICE", "(\\w)\\1");

        assertThat(c.compileWithPlan("%{TWICE:t} %{INT:n}").plan()).isNull();
        assertThat(c.compileWithPlan("(?<a>\\w)\\k<a> %{INT:n}").plan()).isNull();
        assertThat(c.compileWithPlan("%{WORD:w} %{INT:n}").plan()).isNotNull();
    }

    @Test
    void inlineFlagsLeaveTheWholeExpressionToTheRegex() throws Exception {
        GrokCompiler c = new GrokCompiler(GrokLibrary.definitions());

        assertThat(c.compileWithPlan("(?i)user=%{WORD:u} %{INT:n}").plan()).isNull();
    }
}
