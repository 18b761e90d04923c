package dev.gapless.config.filter.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.FieldPath;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvFilterConfigTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void bindsItsDefaults() throws Exception {
        KvFilterConfig c = (KvFilterConfig) parse("filters:\n  - type: kv\n").filters().get(0);

        assertThat(c.field()).isEqualTo(FieldPath.parse("message"));
        assertThat(c.target()).isEqualTo(FieldPath.parse("fields"));
        assertThat(c.fieldSplit()).isEqualTo(" ");
        assertThat(c.valueSplit()).isEqualTo("=");
        assertThat(c.includeKeys()).isEmpty();
        assertThat(c.excludeKeys()).isEmpty();
        assertThat(c.prefix()).isEmpty();
        assertThat(c.tagOnFailure()).containsExactly("_kvparsefailure");
    }

    @Test
    void bindsEveryKey() throws Exception {
        KvFilterConfig c = (KvFilterConfig) parse("""
                filters:
                  - type: kv
                    field: fields.query
                    target: fields.q
                    field_split: '&;'
                    value_split: ':'
                    include_keys: [a, b]
                    exclude_keys: [b]
                    prefix: q_
                    tag_on_failure: [no_pairs]
                """).filters().get(0);

        assertThat(c.field()).isEqualTo(FieldPath.parse("fields.query"));
        assertThat(c.target()).isEqualTo(FieldPath.parse("fields.q"));
        assertThat(c.fieldSplit()).isEqualTo("&;");
        assertThat(c.valueSplit()).isEqualTo(":");
        assertThat(c.includeKeys()).containsExactly("a", "b");
        assertThat(c.excludeKeys()).containsExactly("b");
        assertThat(c.prefix()).isEqualTo("q_");
        assertThat(c.tagOnFailure()).containsExactly("no_pairs");
    }

    @Test
    void separatorsThatClashAreReportedAtValueSplit() {
        List<ConfigError> e = errors("""
                filters:
                  - type: kv
                    field_split: ' ='
                    value_split: '='
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).line()).isEqualTo(4);
        assertThat(e.get(0).message()).contains("in both field_split and value_split");
    }

    @Test
    void whitespaceIsASeparatorLikeAnyOtherCharacter() throws Exception {
        KvFilterConfig c = (KvFilterConfig) parse("""
                filters:
                  - type: kv
                    field_split: ' '
                    value_split: "\\t="
                """).filters().get(0);

        assertThat(c.fieldSplit()).isEqualTo(" ");
        assertThat(c.valueSplit()).isEqualTo("\t=");
    }

    @Test
    void anEmptySeparatorAQuoteSeparatorAndABadTargetAreReported() {
        List<ConfigError> e = errors("""
                filters:
                  - type: kv
                    field_split: ''
                  - type: kv
                    value_split: '"'
                  - type: kv
                    target: source
                """);

        assertThat(e).extracting(ConfigError::line).containsExactlyInAnyOrder(3, 5, 7);
    }
}
