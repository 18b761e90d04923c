package dev.gapless.config.load;

import static dev.gapless.config.load.ConfigErrorsTest.errors;
import static dev.gapless.config.load.ConfigErrorsTest.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.FilterConfig;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.filter.drop.DropFilterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filters list and the outputs' when: as the loader binds them. */
class FilterConfigTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void bindsFiltersInOrderWithDefaultIdsByTypeAndPosition() throws Exception {
        GaplessConfig c = parse("""
                filters:
                  - type: drop
                    when: 'source == "noise"'
                  - {type: drop, id: no_debug, when: 'fields.level == "debug"'}
                  - type: drop
                """);

        List<FilterConfig> f = c.filters();
        assertThat(f).extracting(FilterConfig::id).containsExactly("drop_1", "no_debug", "drop_3");
        assertThat(f).allMatch(x -> x instanceof DropFilterConfig);
        assertThat(f.get(0).when()).hasValueSatisfying(w -> assertThat(w.toString()).isEqualTo("source == \"noise\""));
        assertThat(f.get(2).when()).isEmpty();
    }

    @Test
    void noFiltersAndNoRoutesByDefault() throws Exception {
        GaplessConfig c = parse("inputs: []\n");

        assertThat(c.filters()).isEmpty();
        assertThat(c.routes()).isEmpty();
    }

    @Test
    void anOutputsWhenBecomesItsRoute() throws Exception {
        GaplessConfig c = parse("""
                outputs:
                  - {type: stdout, id: all}
                  - {type: stdout, id: errors, when: 'fields.response =~ "^5"'}
                """);

        assertThat(c.routes()).containsOnlyKeys("errors");
        assertThat(c.routes().get("errors").toString()).isEqualTo("fields.response =~ \"^5\"");
    }

    @Test
    void aBadConditionIsReportedAtItsValueWithTheCharacter() {
        ConfigError e = onlyError("""
                filters:
                  - type: drop
                    when: 'source = "x"'
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(11);
        assertThat(e.path()).isEqualTo("filters[0].when");
        assertThat(e.message()).startsWith("invalid condition at character 8: ").contains("(in 'source = \"x\"')");
    }

    @Test
    void aBadRouteIsReportedAtTheOutput() {
        ConfigError e = onlyError("""
                outputs:
                  - {type: stdout, id: o, when: 'fieldz.a == 1'}
                """);

        assertThat(e.path()).isEqualTo("outputs[0].when");
        assertThat(e.message()).contains("unknown field 'fieldz'");
    }

    @Test
    void unknownTypesDuplicateIdsAndUnknownKeysAreErrors() {
        List<ConfigError> e = errors("""
                filters:
                  - type: grokk
                  - {type: drop, id: x}
                  - {type: drop, id: x}
                  - {type: drop, field: message}
                  - just a string
                """);

        assertThat(e).extracting(ConfigError::line).containsExactly(2, 4, 5, 6);
        assertThat(e.get(0).message()).contains("unknown filter type 'grokk'");
        assertThat(e.get(1).message()).contains("duplicate filter id 'x'");
        assertThat(e.get(2).message()).contains("unknown key 'field'");
        assertThat(e.get(3).message()).contains("expected a filter");
    }

    @Test
    void aDefaultIdThatClashesWithAWrittenOneIsAnError() {
        ConfigError e = onlyError("""
                filters:
                  - {type: drop, id: drop_2}
                  - {type: drop}
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.message()).contains("duplicate filter id 'drop_2'");
    }
}
