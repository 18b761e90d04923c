package dev.gapless.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gapless.config.plugin.Registry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad config files: each error located, explained, and all of them reported in one run. */
class ConfigErrorsTest {

    static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    static ConfigError onlyError(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    @Test
    void reportsAMisspelledKeyAtItsPlaceWithASuggestion() {
        ConfigError e = onlyError("""
                outputs:
                  - type: http
                    id: central
                    urll: http://localhost:8080/
                    url: http://localhost:8080/
                """);

        assertThat(e).isEqualTo(new ConfigError("gapless.yaml", 4, 5, "outputs[0].urll",
                "unknown key 'urll' (did you mean 'url'?)"));
    }

    @Test
    void suggestsTheSnakeCaseKeyForACamelCaseOne() {
        ConfigError e = onlyError("journal: {maxSize: 1GiB}\n");

        assertThat(e.path()).isEqualTo("journal.maxSize");
        assertThat(e.message()).contains("did you mean 'max_size'?");
    }

    @Test
    void listsTheValidKeysWhenNoneIsClose() {
        ConfigError e = onlyError("watchdog: {restart_budget: {maximum_restarts: 3}}\n");

        assertThat(e.message()).isEqualTo("unknown key 'maximum_restarts'; valid keys here: max, per");
    }

    @Test
    void reportsAListWhereAMappingIsExpected() {
        ConfigError e = onlyError("journal:\n  - max_size: 1GiB\n");

        assertThat(e).extracting(ConfigError::line, ConfigError::column, ConfigError::path)
                .containsExactly(2, 3, "journal");
        assertThat(e.message()).isEqualTo("expected a mapping of journal settings, got a list");
    }

    @Test
    void reportsAStringWhereAnIntegerIsExpected() {
        ConfigError e = onlyError("watchdog: {unhealthy_probes: three}\n");

        assertThat(e.path()).isEqualTo("watchdog.unhealthy_probes");
        assertThat(e.message()).isEqualTo("expected an integer of at least 1, got 'three'");
    }

    @Test
    void refusesAQuotedNumberWhereAnIntegerIsExpected() {
        ConfigError e = onlyError("watchdog: {unhealthy_probes: \"3\"}\n");

        assertThat(e.message()).contains("got '3'").contains("remove the quotes");
    }

    @Test
    void saysAnIntegerIsTooLargeRatherThanTooSmall() {
        assertThat(onlyError("outputs:\n  - {type: file, id: o, path: x, batch: {max_events: 99999999999}}\n")
                .message())
                .isEqualTo("expected an integer of at least 1, got 99999999999, which is too large "
                        + "(at most 2147483647)");
    }

    @Test
    void boundsTheWindowOfBatchesInFlight() throws Exception {
        assertThat(onlyError("outputs:\n  - {type: file, id: o, path: x, batch: {max_in_flight: 65}}\n"))
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("outputs[0].batch.max_in_flight");
                    assertThat(e.message()).startsWith("expected an integer from 1 to 64, got 65");
                });
        assertThat(onlyError("outputs:\n  - {type: file, id: o, path: x, batch: {max_in_flight: 0}}\n").message())
                .isEqualTo("expected an integer from 1 to 64, got 0");
        assertThat(ConfigLoader.parse("outputs:\n  - {type: stdout, id: o, batch: {max_in_flight: 8}}\n",
                "gapless.yaml", Path.of("."), Map.of()).outputs().get(0).batch().maxInFlight())
                .isEqualTo(8);
    }

    @Test
    void reportsAMappingWhereAStringIsExpected() {
        ConfigError e = onlyError("watchdog: {systemd_unit: {name: x}}\n");

        assertThat(e.message()).isEqualTo("expected a non-empty string, got a mapping");
    }

    @Test
    void reportsAMissingRequiredFieldAtItsParentMapping() {
        ConfigError e = onlyError("""
                outputs:
                  - type: http
                    id: central
                """);

        assertThat(e).isEqualTo(new ConfigError("gapless.yaml", 2, 5, "outputs[0].url", "missing required key 'url'"));
    }

    @Test
    void reportsAMissingListenForATcpInput() {
        ConfigError e = onlyError("inputs:\n  - {type: tcp, id: app}\n");

        assertThat(e.path()).isEqualTo("inputs[0].listen");
        assertThat(e.message()).isEqualTo("missing required key 'listen'");
    }

    @Test
    void reportsAnUnknownSizeUnit() {
        ConfigError e = onlyError("journal: {max_size: 4PiB}\n");

        assertThat(e.path()).isEqualTo("journal.max_size");
        assertThat(e.message()).startsWith("unknown size unit 'PiB' in '4PiB'");
    }

    @Test
    void refusesABareNumberForASize() {
        ConfigError e = onlyError("journal:\n  max_size: 4096\n");

        assertThat(e).extracting(ConfigError::line, ConfigError::column).containsExactly(2, 13);
        assertThat(e.message()).contains("expected a size with a unit").endsWith("a bare number has no unit");
    }

    @Test
    void refusesABareNumberForADuration() {
        ConfigError e = onlyError("heartbeat_interval: 30\n");

        assertThat(e.message()).contains("expected a duration with a unit").endsWith("a bare number has no unit");
    }

    @Test
    void reportsEveryErrorOfAFileInFileOrder() throws Exception {
        List<ConfigError> errors = errors(ConfigLoaderTest.resource("several-errors.yaml"));

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::path).containsExactly(
                tuple(2, 1, "heartbeat_intervall"),
                tuple(4, 13, "journal.max_size"),
                tuple(5, 14, "journal.when_full"),
                tuple(7, 5, "inputs[0].listen"),
                tuple(9, 11, "inputs[1].type"),
                tuple(16, 19, "outputs[0].batch.max_events"),
                tuple(18, 9, "outputs[1].id"),
                tuple(19, 10, "outputs[1].url"),
                tuple(21, 19, "watchdog.probe_interval"),
                tuple(22, 21, "watchdog.unhealthy_probes"));
        assertThat(errors.get(0).message()).contains("did you mean 'heartbeat_interval'?");
        assertThat(errors.get(2).message()).isEqualTo("expected one of block, drop_oldest, got 'drop'");
        assertThat(errors.get(5).message()).isEqualTo("expected an integer of at least 1, got 0");
        assertThat(errors.get(6).message()).isEqualTo("duplicate output id 'central' (first used at line 13)");
    }

    @Test
    void reportsDuplicateInputIds() {
        ConfigError e = onlyError("""
                inputs:
                  - {type: tcp, id: app, listen: "127.0.0.1:5170"}
                  - {type: file, id: app, path: /var/log/app.log}
                """);

        assertThat(e).isEqualTo(new ConfigError("gapless.yaml", 3, 22, "inputs[1].id",
                "duplicate input id 'app' (first used at line 2)"));
    }

    @Test
    void listsTheKnownTypesForAnUnknownOutputType() {
        ConfigError e = onlyError("outputs:\n  - {type: carrier_pigeon, id: k, brokers: x}\n");

        assertThat(e.path()).isEqualTo("outputs[0].type");
        assertThat(e.message()).isEqualTo("unknown output type 'carrier_pigeon'; known: "
                + String.join(", ", Registry.outputNames()));
        assertThat(Registry.outputNames()).startsWith("tcp", "http", "file", "stdout");
    }

    @Test
    void suggestsTheClosestTypeForAMisspelledInputType() {
        ConfigError e = onlyError("inputs:\n  - {type: tpc, id: a, listen: \"127.0.0.1:1\"}\n");

        assertThat(e.message()).isEqualTo("unknown input type 'tpc' (did you mean 'tcp'?); known: "
                + String.join(", ", Registry.inputNames()));
        assertThat(Registry.inputNames()).startsWith("tcp", "file");
    }

    @Test
    void reportsAnUnknownAlertType() {
        ConfigError e = onlyError("watchdog:\n  alerts:\n    - {type: email, to: ops@example.com}\n");

        assertThat(e.path()).isEqualTo("watchdog.alerts[0].type");
        assertThat(e.message()).isEqualTo("unknown alert type 'email'; known: webhook");
    }

    @Test
    void reportsADuplicateYamlKey() {
        ConfigError e = onlyError("data_dir: /a\nheartbeat_interval: 5s\ndata_dir: /b\n");

        assertThat(e).isEqualTo(
                new ConfigError("gapless.yaml", 3, 1, "data_dir", "duplicate key 'data_dir' (first at line 1)"));
    }

    @Test
    void refusesAnEmptyFile() {
        assertThat(onlyError("").message()).startsWith("the file is empty");
        assertThat(onlyError("# nothing but a comment\n").message()).startsWith("the file is empty");
    }

    @Test
    void refusesAListAtTheTopLevel() {
        assertThat(onlyError("- a\n- b\n").message())
                .isEqualTo("expected a mapping of settings at the top level, got a list");
    }

    @Test
    void reportsAYamlSyntaxErrorWithItsPosition() {
        ConfigError e = onlyError("journal:\n  max_size: 1GiB\n   min_free: 1GiB\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.message()).startsWith("YAML syntax error: ").doesNotContain("\n");
    }

    @Test
    void refusesASecondDocument() {
        assertThat(onlyError("data_dir: /a\n---\ndata_dir: /b\n").message()).contains("a second YAML document");
    }

    @Test
    void refusesAliases() {
        ConfigError e = onlyError("heartbeat_interval: &t 5s\njournal: {sync_interval: *t}\n");

        assertThat(e.path()).isEqualTo("journal.sync_interval");
        assertThat(e.message()).contains("aliases");
    }

    @Test
    void checksRanges() {
        List<ConfigError> errors = errors("""
                journal: {max_size: 0B, sync_interval: 0ms}
                inputs:
                  - {type: tcp, id: a, listen: "127.0.0.1:70000", max_line_bytes: 0KiB, max_connections: 0}
                  - {type: file, id: b, path: x, max_line_bytes: 0B}
                outputs:
                  - {type: file, id: o, path: x, roll_size: 0MiB, max_files: -1}
                watchdog: {unhealthy_probes: 0, restart_budget: {max: -1}}
                """);

        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "journal.max_size", "journal.sync_interval",
                "inputs[0].listen", "inputs[0].max_line_bytes", "inputs[0].max_connections",
                "inputs[1].max_line_bytes",
                "outputs[0].roll_size", "outputs[0].max_files",
                "watchdog.unhealthy_probes", "watchdog.restart_budget.max");
        assertThat(errors.get(2).message()).contains("port must be between 0 and 65535");
        assertThat(errors.get(9).message()).isEqualTo("expected an integer of at least 0, got -1");
    }

    @Test
    void refusesASegmentLargerThanHalfTheJournal() {
        ConfigError e = onlyError("journal: {max_size: 100MiB, segment_size: 64MiB}\n");

        assertThat(e.path()).isEqualTo("journal.segment_size");
        assertThat(e.message()).startsWith("segment_size (64MiB) must be at most half of max_size (100MiB)");
    }

    @Test
    void locatesTheSegmentCheckAtMaxSizeWhenOnlyMaxSizeIsWritten() {
        assertThat(onlyError("journal: {max_size: 100MiB}\n").path()).isEqualTo("journal.max_size");
    }

    @Test
    void refusesIdsThatAreNotSafeFileNames() {
        List<ConfigError> errors = errors("""
                outputs:
                  - {type: file, id: "../etc", path: x}
                  - {type: file, id: "a b", path: y}
                """);

        assertThat(errors).extracting(ConfigError::path).containsExactly("outputs[0].id", "outputs[1].id");
        assertThat(errors.get(0).message()).startsWith("expected an id of letters, digits");
    }

    @Test
    void refusesIdsThatStartWithADotOrADash() {
        List<ConfigError> errors = errors("""
                outputs:
                  - {type: file, id: "..", path: x}
                  - {type: file, id: "-rf", path: y}
                  - {type: file, id: ".hidden", path: z}
                  - {type: file, id: "_ok.1-2", path: w}
                """);

        assertThat(errors).extracting(ConfigError::path)
                .containsExactly("outputs[0].id", "outputs[1].id", "outputs[2].id");
    }

    @Test
    void refusesIdsOverSixtyFourCharactersWhereTheyAreWritten() {
        String output = "o".repeat(300);
        String input = "i".repeat(1_000_000);
        List<ConfigError> errors = errors("outputs:\n  - {type: file, id: " + output + ", path: x}\n"
                + "inputs:\n  - {type: tcp, id: " + input + ", listen: \"127.0.0.1:0\"}\n");

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::path)
                .containsExactly(tuple(2, 22, "outputs[0].id"), tuple(4, 21, "inputs[0].id"));
        assertThat(errors.get(0).message())
                .startsWith("expected an id of at most 64 characters (it names files), got 300 characters");
        assertThat(errors.get(1).message()).contains("got 1000000 characters").hasSizeLessThan(200);
    }

    @Test
    void acceptsAnIdOfSixtyFourCharacters() throws Exception {
        String id = "a".repeat(64);
        assertThat(ConfigLoader.parse("outputs:\n  - {type: file, id: " + id + ", path: x}\n", "gapless.yaml",
                Path.of("/etc/gapless"), Map.of()).outputs().get(0).id()).isEqualTo(id);
    }

    @Test
    void refusesPathsTheFileSystemCannotCreate() {
        List<ConfigError> errors = errors("data_dir: /var/lib/" + "d/".repeat(2000) + "\n"
                + "outputs:\n  - {type: file, id: o, path: /srv/" + "n".repeat(256) + "}\n");

        assertThat(errors).extracting(ConfigError::path).containsExactly("data_dir", "outputs[0].path");
        assertThat(errors.get(0).message()).startsWith("the path is 4008 bytes long once absolute, over the limit"
                + " of 3967 (the file system's 4095 less room for the files made under it)");
        assertThat(errors.get(1).message())
                .startsWith("a name in this path is 256 bytes long, over the file system's limit of 255");
    }

    @Test
    void locatesANestingTooDeepAtTheTokenThatWentTooDeep() {
        StringBuilder yaml = new StringBuilder("journal:\n");
        for (int level = 1; level <= 1000; level++) {
            yaml.append("  ".repeat(level)).append("k").append(level).append(":\n");
        }
        ConfigError e = onlyError(yaml.toString());

        // the root mapping is level 1, journal's 2, k1's 3: the one under k999 (line 1001) is level 1001
        assertThat(e).extracting(ConfigError::line, ConfigError::column).containsExactly(1001, 2001);
        assertThat(e.message()).isEqualTo("the YAML nests deeper than 1000 levels of mappings and lists;"
                + " a config needs a few");
        assertThat(onlyError("a: " + "[".repeat(1000) + "]".repeat(1000) + "\n"))
                .extracting(ConfigError::line, ConfigError::column).containsExactly(1, 1003);
    }

    @Test
    void locatesTheFirstByteThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gapless.yaml");
        byte[] text = "data_dir: ./data\njournal: {max_size: 1GiB} # é \n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(text, text.length + 1);
        bytes[text.length - 1] = (byte) 0xFF; // no UTF-8 character holds this byte: "Input length = 1" before
        bytes[text.length] = '\n';
        Files.write(file, bytes);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // column in characters: 'é' is two bytes and one column
        assertThat(e.errors()).singleElement().asString().isEqualTo(file + ":2:31: the config is not valid UTF-8:"
                + " byte 0xFF cannot start or continue a character");
    }

    @Test
    void saysInOneLineWhyAConfigCannotBeRead(@TempDir Path dir) {
        ConfigException directory = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));
        ConfigException missing = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("missing.yaml")));

        assertThat(directory.errors()).singleElement().asString()
                .isEqualTo(dir + ": cannot read the config: is a directory");
        assertThat(missing.errors()).singleElement().asString()
                .isEqualTo(dir.resolve("missing.yaml") + ": cannot read the config: does not exist");
    }

    @Test
    void refusesTheReservedAgentSourceAsAnInputId() {
        ConfigError e = onlyError("inputs:\n  - {type: file, id: _agent, path: x}\n");

        assertThat(e.message()).contains("reserved");
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        List<ConfigError> errors = errors("""
                outputs:
                  - {type: http, id: a, url: "ftp://example.com/"}
                  - {type: http, id: b, url: "http://example.com/", health_url: "not a url"}
                """);

        assertThat(errors).extracting(ConfigError::path).containsExactly("outputs[0].url", "outputs[1].health_url");
    }

    @Test
    void refusesCredentialsInAUrlSinceTheyWouldShowInHealthAndLogs() {
        ConfigError e = onlyError("outputs:\n  - {type: http, id: a, url: \"https://user:secret@example.com/in\"}\n");

        assertThat(e.path()).isEqualTo("outputs[0].url");
        assertThat(e.message()).contains("credentials in the URL").doesNotContain("secret");
    }

    @Test
    void refusesAnUnquotedIpv6AddressAsASyntaxError() {
        ConfigError e = onlyError("admin:\n  listen: [::1]:9680\n");

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.message()).startsWith("YAML syntax error");
    }

    @Test
    void refusesAnIpv6AddressWithoutBrackets() {
        ConfigError e = onlyError("admin: {listen: \"::1:9680\"}\n");

        assertThat(e.message()).contains("must be in brackets");
    }

    @Test
    void refusesPortZeroForADestination() {
        assertThat(onlyError("outputs:\n  - {type: tcp, id: t, address: \"host:0\"}\n").message())
                .contains("port 0 is only for listening");
    }

    @Test
    void refusesTwoListenersOnOnePort() {
        ConfigError e = onlyError("""
                inputs:
                  - {type: tcp, id: a, listen: "0.0.0.0:9680"}
                """);

        assertThat(e.path()).isEqualTo("inputs[0].listen");
        assertThat(e.message()).contains("also bound by admin.listen (its default)");
    }

    @Test
    void refusesAMaxBackoffBelowTheInitialBackoff() {
        ConfigError e = onlyError("""
                outputs:
                  - {type: file, id: o, path: x, retry: {initial_backoff: 5s, max_backoff: 1s}}
                """);

        assertThat(e.path()).isEqualTo("outputs[0].retry.max_backoff");
    }

    @Test
    void reportsEachBadElementOfAStringListAndHeaderMap() {
        List<ConfigError> errors = errors("""
                watchdog:
                  agent_command: [gapless, "", agent, [x]]
                  alerts:
                    - type: webhook
                      url: http://localhost/
                      headers: {"Bad Name": x, X-Ok: [1]}
                """);

        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "watchdog.agent_command[1]", "watchdog.agent_command[3]",
                "watchdog.alerts[0].headers.Bad Name", "watchdog.alerts[0].headers.X-Ok");
    }

    @Test
    void refusesNullForAScalarSetting() {
        assertThat(onlyError("heartbeat_interval:\n").message()).isEqualTo(
                "expected a duration with a unit, such as 500ms or 30s, got nothing (null)");
    }

    @Test
    void refusesATildePath() {
        assertThat(onlyError("data_dir: ~/gapless\n").message()).contains("'~' is not expanded");
    }
}
