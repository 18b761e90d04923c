package dev.gapless.config.filter.mutate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.FieldPath;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.filter.mutate.MutateFilterConfig.Conversion;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MutateFilterConfigTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    private static FieldPath p(String text) {
        return FieldPath.parse(text);
    }

    @Test
    void bindsEveryOperationInTheOrderWritten() throws Exception {
        MutateFilterConfig c = (MutateFilterConfig) parse("""
                filters:
                  - type: mutate
                    rename: {fields.usr: fields.user, fields.a: fields.b}
                    copy: {source: fields.from}
                    set: {fields.who: 'user %{fields.user} at %{source}'}
                    add: {fields.env: prod}
                    remove: [fields.tmp]
                    convert: {fields.status: integer, fields.ok: Boolean}
                    lowercase: [fields.method]
                    uppercase: [fields.level]
                    strip: [message]
                    split: {fields.tags: ','}
                    join: {fields.list: ' '}
                """).filters().get(0);

        assertThat(c.rename()).containsExactly(Map.entry(p("fields.usr"), p("fields.user")),
                Map.entry(p("fields.a"), p("fields.b")));
        assertThat(c.copy()).containsExactly(Map.entry(p("source"), p("fields.from")));
        assertThat(c.set().get(p("fields.who")).parts())
                .containsExactly("user ", p("fields.user"), " at ", p("source"));
        assertThat(c.add().get(p("fields.env")).parts()).containsExactly("prod");
        assertThat(c.remove()).containsExactly(p("fields.tmp"));
        assertThat(c.convert()).containsExactly(Map.entry(p("fields.status"), Conversion.INTEGER),
                Map.entry(p("fields.ok"), Conversion.BOOLEAN));
        assertThat(c.lowercase()).containsExactly(p("fields.method"));
        assertThat(c.uppercase()).containsExactly(p("fields.level"));
        assertThat(c.strip()).containsExactly(p("message"));
        assertThat(c.split()).containsEntry(p("fields.tags"), ",");
        assertThat(c.join()).containsEntry(p("fields.list"), " ");
    }

    @Test
    void noOperationIsAnError() {
        List<ConfigError> e = errors("filters:\n  - type: mutate\n");

        assertThat(e).hasSize(1);
        assertThat(e.get(0).line()).isEqualTo(2);
        assertThat(e.get(0).message()).contains("at least one operation");
    }

    @Test
    void aBadRenameTargetIsReportedAtTheOperation() {
        List<ConfigError> e = errors("""
                filters:
                  - type: mutate
                    rename: {fields.a: 'fields."b'}
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).line()).isEqualTo(3);
        assertThat(e.get(0).path()).startsWith("filters[0]");
        assertThat(e.get(0).message()).contains("rename: invalid field path 'fields.\"b'")
                .contains("is not closed");
    }

    @Test
    void aPathThatCannotBeWrittenIsAnErrorEveryTime() {
        List<ConfigError> e = errors("""
                filters:
                  - type: mutate
                    rename: {fields.a: source}
                    remove: [tags]
                    set: {message.x: y}
                """);

        assertThat(e).extracting(ConfigError::line).containsExactlyInAnyOrder(3, 4, 5);
        assertThat(e).allSatisfy(x -> assertThat(x.message()).contains("cannot be written"));
    }

    @Test
    void badConversionsSeparatorsAndTemplatesAreReported() {
        List<ConfigError> e = errors("""
                filters:
                  - type: mutate
                    convert: {fields.a: number, message: integer}
                    split: {fields.b: '', message: ','}
                    add: {fields.c: '%{fields.x'}
                """);

        assertThat(e).extracting(ConfigError::message).anySatisfy(m -> assertThat(m).contains("expected integer"))
                .anySatisfy(m -> assertThat(m).contains("the message is always text"))
                .anySatisfy(m -> assertThat(m).contains("separator of 'fields.b' is empty"))
                .anySatisfy(m -> assertThat(m).contains("cannot hold a list"))
                .anySatisfy(m -> assertThat(m).contains("is not closed"));
        assertThat(e).hasSize(5);
    }

    @Test
    void templatesSplitIntoLiteralsAndReferences() {
        assertThat(MutateTemplate.parse("100%").parts()).containsExactly("100%");
        assertThat(MutateTemplate.parse("").parts()).containsExactly("");
        assertThat(MutateTemplate.parse("%{message}%{fields.\"a.b\"}!").parts())
                .containsExactly(p("message"), p("fields.\"a.b\""), "!");
        assertThatThrownBy(() -> MutateTemplate.parse("%{}")).hasMessageContaining("empty key");
    }
}
