package dev.gapless.config.filter.grok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grok and regex as the loader binds them: defaults, user patterns, pattern files, and each error located. */
class GrokConfigTest {

    @TempDir
    Path dir;

    private GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", dir, Map.of());
    }

    private List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void bindsWithTheDocumentedDefaults() throws Exception {
        GrokFilterConfig g = (GrokFilterConfig) parse("""
                filters:
                  - type: grok
                    pattern: '%{COMBINEDAPACHELOG}'
                """).filters().get(0);

        assertThat(g.id()).isEqualTo("grok_1");
        MatchConfig m = g.match();
        assertThat(m.field().toString()).isEqualTo("message");
        assertThat(m.target().toString()).isEqualTo("fields");
        assertThat(m.tagOnFailure()).containsExactly("_grokparsefailure");
        assertThat(m.patterns()).hasSize(1);
        assertThat(m.patterns().get(0).captures()).extracting(c -> String.join(".", c.path()))
                .contains("clientip", "verb", "response", "bytes", "referrer", "agent");
    }

    @Test
    void userPatternsAndPatternFilesExtendTheLibrary() throws Exception {
        Files.writeString(dir.resolve("extra.grok"), """
                # my patterns
                APPID app-[0-9]{4}

                RELEASE v%{INT}
                """);
        GrokFilterConfig g = (GrokFilterConfig) parse("""
                filters:
                  - type: grok
                    pattern: ['%{APPID:app} %{RELEASE:release} %{TICKET:ticket}']
                    patterns: {TICKET: 'T-[0-9]+'}
                    pattern_files: [extra.grok]
                """).filters().get(0);

        assertThat(g.match().patterns().get(0).pattern().matcher("app-1234 v7 T-99").matches()).isTrue();
    }

    @Test
    void anUnknownPatternIsAnErrorAtThePattern() {
        List<ConfigError> e = errors("""
                filters:
                  - type: grok
                    pattern: ['%{IP:ip}', '%{NOSUCH:x}']
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).line()).isEqualTo(3);
        assertThat(e.get(0).path()).isEqualTo("filters[0].pattern");
        assertThat(e.get(0).message()).contains("NOSUCH").contains("2 of 2");
    }

    @Test
    void aCycleABadRegexAndABadFileLineAreErrors() throws Exception {
        Files.writeString(dir.resolve("bad.grok"), "GOOD [a-z]+\nno-expression-here\n");
        List<ConfigError> e = errors("""
                filters:
                  - type: grok
                    pattern: '%{A}'
                    patterns: {A: '%{B}', B: '%{A}'}
                  - type: grok
                    pattern: '(unclosed'
                  - type: grok
                    pattern: '%{GOOD}'
                    pattern_files: [bad.grok]
                  - type: regex
                    pattern: '(?<x>['
                """);

        assertThat(e).extracting(ConfigError::line).contains(3, 6, 9, 11);
        String all = e.toString();
        assertThat(all).contains("A -> B -> A").contains("bad.grok:2");
    }

    @Test
    void aTargetOutsideFieldsIsAnError() {
        List<ConfigError> e = errors("""
                filters:
                  - type: grok
                    pattern: '%{IP:ip}'
                    target: source
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).path()).isEqualTo("filters[0].target");
    }

    @Test
    void aCapturePathDeeperThanAFieldPathHoldsIsAnErrorNotCutShort() throws Exception {
        List<ConfigError> e = errors("""
                filters:
                  - type: grok
                    pattern: '%{IP:a.b.c.d.e.f.g.h.i.j.k.l.m.n}'
                    target: fields.x.y
                """);

        assertThat(e).hasSize(1);
        assertThat(e.get(0).path()).isEqualTo("filters[0].pattern");
        assertThat(e.get(0).toString()).contains("a.b.c.d.e.f.g.h.i.j.k.l.m.n").contains("a path of 17 keys")
                .contains("at most 16");
        GrokFilterConfig g = (GrokFilterConfig) parse("""
                filters:
                  - type: grok
                    pattern: '%{IP:a.b.c.d.e.f.g.h.i.j.k.l.m}'
                    target: fields.x.y
                """).filters().get(0);
        assertThat(g.match().patterns().get(0).captures().get(0).path()).as("16 keys in all is the bound")
                .hasSize(13);
    }
}
