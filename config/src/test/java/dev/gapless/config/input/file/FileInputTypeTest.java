package dev.gapless.config.input.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.ByteSize;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a {@code type: file} section binds: the glob keys, their defaults and their bounds. */
class FileInputTypeTest {

    private static FileInputConfig bind(String section) throws ConfigException {
        return (FileInputConfig) ConfigLoader.parse("inputs:\n  - " + section + "\n", "gapless.yaml",
                Path.of("/etc/gapless"), Map.of()).inputs().get(0);
    }

    private static List<ConfigError> errors(String section) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> bind(section));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors();
    }

    @Test
    void bindsAGlobWithItsKeysAndARelativePathAgainstTheConfigFolder() throws ConfigException {
        FileInputConfig c = bind("{type: file, id: app, path: 'logs/**.log', exclude: ['*.gz', '/x/*'],"
                + " scan_interval: 2s, max_files: 10, fingerprint_bytes: 4KiB}");
        assertThat(c.path()).isEqualTo(Path.of("/etc/gapless/logs/**.log"));
        assertThat(c.exclude()).containsExactly("*.gz", "/x/*");
        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.maxFiles()).isEqualTo(10);
        assertThat(c.fingerprintBytes()).isEqualTo(ByteSize.ofKibibytes(4));
    }

    @Test
    void defaultsAreTheConstants() throws ConfigException {
        FileInputConfig c = bind("{type: file, id: app, path: /var/log/app.log}");
        assertThat(c.exclude()).isEqualTo(FileInputConfig.DEFAULT_EXCLUDE);
        assertThat(c.scanInterval()).isEqualTo(FileInputConfig.DEFAULT_SCAN_INTERVAL);
        assertThat(c.maxFiles()).isEqualTo(FileInputConfig.DEFAULT_MAX_FILES);
        assertThat(c.fingerprintBytes()).isEqualTo(FileInputConfig.DEFAULT_FINGERPRINT_BYTES);
        assertThat(c.rotateWait()).isEqualTo(FileInputConfig.DEFAULT_ROTATE_WAIT);
        assertThat(c.multiline()).isEmpty();
        assertThat(c.maxEventBytes()).isEqualTo(c.maxLineBytes());
    }

    @Test
    void bindsMultilineWithItsDefaultsAndRotateWait() throws ConfigException {
        FileInputConfig c = bind("{type: file, id: app, path: x, rotate_wait: 0s,"
                + " multiline: {start_pattern: '^\\d{4}-'}}");
        assertThat(c.rotateWait()).isZero();
        assertThat(c.multiline()).hasValue(new FileInputConfig.Multiline("^\\d{4}-",
                FileInputConfig.Multiline.DEFAULT_MAX_LINES, FileInputConfig.Multiline.DEFAULT_MAX_BYTES,
                FileInputConfig.Multiline.DEFAULT_TIMEOUT));
        FileInputConfig big = bind("{type: file, id: app, path: x, max_line_bytes: 64KiB,"
                + " multiline: {start_pattern: '^\\S', max_lines: 20, max_bytes: 4MiB, timeout: 250ms}}");
        assertThat(big.multiline().orElseThrow().maxLines()).isEqualTo(20);
        assertThat(big.multiline().orElseThrow().timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(big.maxEventBytes()).as("what the journal must hold").isEqualTo(ByteSize.ofMebibytes(4));
    }

    @Test
    void invalidStartPatternIsALocatedErrorAtTheValue() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                inputs:
                  - id: app
                    type: file
                    path: /var/log/app.log
                    multiline:
                      start_pattern: '^(\\d{4}'
                """, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).isNotNull();
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("inputs[0].multiline.start_pattern");
            assertThat(err.line()).isEqualTo(6);
            assertThat(err.column()).isEqualTo(22);
            assertThat(err.message()).contains("not a valid regular expression").contains("Unclosed group");
        });
    }

    @Test
    void refusesBadMultilineKeysEachAtItsKey() {
        assertThat(errors("{type: file, id: app, path: x, multiline: {}}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("start_pattern"));
        List<ConfigError> errors = errors("{type: file, id: app, path: x, rotate_wait: -1s, multiline: "
                + "{start_pattern: a, max_lines: 0, max_bytes: 0B, timeout: 0s, max_line: 3}}");
        assertThat(errors).extracting(ConfigError::path).containsExactlyInAnyOrder("inputs[0].rotate_wait",
                "inputs[0].multiline.max_lines", "inputs[0].multiline.max_bytes", "inputs[0].multiline.timeout",
                "inputs[0].multiline.max_line");
    }

    @Test
    void refusesOutOfRangeValuesEachAtItsKey() {
        List<ConfigError> errors = errors("{type: file, id: app, path: x, max_files: 0, scan_interval: 0s,"
                + " exclude: 3}");
        assertThat(errors).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "inputs[0].max_files", "inputs[0].scan_interval", "inputs[0].exclude");
        List<ConfigError> big = errors("{type: file, id: app, path: x, fingerprint_bytes: 1MiB}");
        assertThat(big).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("inputs[0].fingerprint_bytes");
            assertThat(e.message()).contains("at most 64KiB");
        });
    }
}
