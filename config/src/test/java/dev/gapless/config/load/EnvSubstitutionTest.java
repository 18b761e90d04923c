package dev.gapless.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.output.http.HttpOutputConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ${VAR}} in scalar values, through the loader. */
class EnvSubstitutionTest {

    private static GaplessConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), env);
    }

    private static ConfigError onlyError(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, env));
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0);
    }

    @Test
    void substitutesASetVariable() throws Exception {
        GaplessConfig c = parse("""
                data_dir: ${STATE}/gapless
                outputs:
                  - type: http
                    id: central
                    url: https://${HOST}/ingest
                    headers: {Authorization: "Bearer ${TOKEN}"}
                """, Map.of("STATE", "/var/lib", "HOST", "logs.example.com", "TOKEN", "t0k"));

        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/gapless"));
        HttpOutputConfig http = (HttpOutputConfig) c.outputs().get(0);
        assertThat(http.url()).isEqualTo(URI.create("https://logs.example.com/ingest"));
        assertThat(http.headers()).containsEntry("Authorization", "Bearer t0k");
    }

    @Test
    void usesTheDefaultWhenTheVariableIsUnsetOrEmpty() throws Exception {
        GaplessConfig unset = parse("heartbeat_interval: ${HB:-7s}\n", Map.of());
        GaplessConfig empty = parse("heartbeat_interval: ${HB:-7s}\n", Map.of("HB", ""));
        GaplessConfig set = parse("heartbeat_interval: ${HB:-7s}\n", Map.of("HB", "9s"));

        assertThat(unset.heartbeatInterval()).hasSeconds(7);
        assertThat(empty.heartbeatInterval()).hasSeconds(7);
        assertThat(set.heartbeatInterval()).hasSeconds(9);
    }

    @Test
    void typesASubstitutedValueAsTheSettingExpects() throws Exception {
        GaplessConfig c = parse("watchdog: {unhealthy_probes: \"${PROBES}\"}\n", Map.of("PROBES", "7"));

        assertThat(c.watchdog().unhealthyProbes()).isEqualTo(7);
    }

    @Test
    void reportsAnUnsetVariableWithoutDefaultAtItsValue() {
        ConfigError e = onlyError("journal:\n  max_size: ${JOURNAL_MAX}\n", Map.of());

        assertThat(e).isEqualTo(new ConfigError("gapless.yaml", 2, 13, "journal.max_size",
                "environment variable JOURNAL_MAX is not set (write ${NAME:-default} to give a default)"));
    }

    @Test
    void reportsEveryUnsetVariableOfAFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("data_dir: ${A}/${B}\nheartbeat_interval: ${C}\n", Map.of()));

        assertThat(e.errors()).extracting(ConfigError::message).containsExactly(
                "environment variables A, B are not set (write ${NAME:-default} to give a default)",
                "environment variable C is not set (write ${NAME:-default} to give a default)");
    }

    @Test
    void escapesALiteralDollarBrace() throws Exception {
        GaplessConfig c = parse("""
                outputs:
                  - {type: http, id: h, url: "http://h/", headers: {X-T: "$${NOT_A_VAR}"}}
                """, Map.of());

        assertThat(((HttpOutputConfig) c.outputs().get(0)).headers()).containsEntry("X-T", "${NOT_A_VAR}");
    }

    @Test
    void showsTheTemplateWhenASubstitutedValueIsBad() {
        ConfigError e = onlyError("heartbeat_interval: ${HB}\n", Map.of("HB", "soon"));

        assertThat(e.message()).contains("got 'soon'").endsWith("(from '${HB}')");
    }

    @Test
    void refusesAnUnterminatedReference() {
        assertThat(onlyError("data_dir: ${STATE\n", Map.of()).message()).startsWith("unterminated '${'");
    }

    @Test
    void doesNotSubstituteAgainInsideASubstitutedValue() throws Exception {
        GaplessConfig c = parse("data_dir: /x/${A}\n", Map.of("A", "${B}", "B", "no"));

        assertThat(c.dataDir()).isEqualTo(Path.of("/x/${B}"));
    }
}
