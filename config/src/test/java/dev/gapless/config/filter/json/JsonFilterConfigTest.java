package dev.gapless.config.filter.json;

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

class JsonFilterConfigTest {

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
        JsonFilterConfig c = (JsonFilterConfig) parse("filters:\n  - type: json\n").filters().get(0);

        assertThat(c.id()).isEqualTo("json_1");
        assertThat(c.field()).isEqualTo(FieldPath.parse("message"));
        assertThat(c.target()).isEqualTo(FieldPath.parse("fields"));
        assertThat(c.tagOnFailure()).containsExactly("_jsonparsefailure");
        assertThat(c.removeField()).isFalse();
    }

    @Test
    void bindsEveryKey() throws Exception {
        JsonFilterConfig c = (JsonFilterConfig) parse("""
                filters:
                  - type: json
                    field: fields.raw
                    target: fields.parsed
                    tag_on_failure: [bad_json, again]
                    remove_field: true
                """).filters().get(0);

        assertThat(c.field()).isEqualTo(FieldPath.parse("fields.raw"));
        assertThat(c.target()).isEqualTo(FieldPath.parse("fields.parsed"));
        assertThat(c.tagOnFailure()).containsExactly("bad_json", "again");
        assertThat(c.removeField()).isTrue();
    }

    @Test
    void aTargetOutsideFieldsIsReportedAtIt() {
        List<ConfigError> e = errors("""
                filters:
                  - type: json
                    target: message
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).line()).isEqualTo(3);
        assertThat(e.get(0).path()).startsWith("filters[0]");
        assertThat(e.get(0).message()).contains("target must be 'fields' or a path under it");
    }

    @Test
    void aMisspelledKeyAndABadPathAreBothReported() {
        List<ConfigError> e = errors("""
                filters:
                  - type: json
                    field: 'fields."open'
                    targte: fields.x
                """);

        assertThat(e).hasSize(2);
        assertThat(e).extracting(ConfigError::line).containsExactlyInAnyOrder(3, 4);
    }
}
