package dev.gapless.config.input.journald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JournaldInputTypeTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void bindsEverySettingAndDefaultsTheRest() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - { id: system, type: journald, start_at: end }
                  - id: web
                    type: journald
                    start_at: beginning
                    units: [nginx.service, php-fpm.service]
                    identifiers: [nginx]
                    priority: warning
                    directory: journals
                    journalctl: /usr/bin/journalctl
                    max_entry_bytes: 256KiB
                    restart_backoff: 200ms
                  - { id: n, type: journald, priority: 3 }
                """);
        JournaldInputConfig a = (JournaldInputConfig) c.inputs().get(0);
        assertThat(a.type()).isEqualTo("journald");
        assertThat(a.startAt()).isEqualTo(JournaldInputConfig.StartAt.END);
        assertThat(a.units()).isEqualTo(JournaldInputConfig.DEFAULT_UNITS);
        assertThat(a.identifiers()).isEqualTo(JournaldInputConfig.DEFAULT_IDENTIFIERS);
        assertThat(a.priority()).isEmpty();
        assertThat(a.directory()).isEmpty();
        assertThat(a.journalctl()).isEqualTo(JournaldInputConfig.DEFAULT_JOURNALCTL);
        assertThat(a.maxEntryBytes()).isEqualTo(JournaldInputConfig.DEFAULT_MAX_ENTRY_BYTES);
        assertThat(a.restartBackoff()).isEqualTo(JournaldInputConfig.DEFAULT_RESTART_BACKOFF);

        JournaldInputConfig b = (JournaldInputConfig) c.inputs().get(1);
        assertThat(b.startAt()).isEqualTo(JournaldInputConfig.StartAt.BEGINNING);
        assertThat(b.units()).isEqualTo(List.of("nginx.service", "php-fpm.service"));
        assertThat(b.identifiers()).isEqualTo(List.of("nginx"));
        assertThat(b.priority()).hasValue(4);
        assertThat(b.directory()).isEqualTo(Optional.of(Path.of("/etc/gapless/journals")));
        assertThat(b.journalctl()).isEqualTo("/usr/bin/journalctl");
        assertThat(b.maxEventBytes().bytes()).isEqualTo(256 * 1024);
        assertThat(b.restartBackoff()).isEqualTo(Duration.ofMillis(200));

        assertThat(((JournaldInputConfig) c.inputs().get(2)).priority()).hasValue(3);
    }

    @Test
    void aBadPriorityAndATinyEntrySizeAreLocatedErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - { id: a, type: journald, priority: loud }
                  - { id: b, type: journald, priority: 9 }
                  - { id: c, type: journald, max_entry_bytes: 1KiB }
                  - { id: d, type: journald, unit: [x.service] }
                """));
        assertThat(e.errors()).hasSize(4);
        assertThat(e.errors().get(0).path()).isEqualTo("inputs[0].priority");
        assertThat(e.errors().get(0).message()).contains("expected a level 0..7 or one of [emerg").contains("loud");
        assertThat(e.errors().get(1).path()).isEqualTo("inputs[1].priority");
        assertThat(e.errors().get(2).path()).isEqualTo("inputs[2].max_entry_bytes");
        assertThat(e.errors().get(2).message()).contains("at least 4KiB");
        assertThat(e.errors().get(3).path()).isEqualTo("inputs[3].unit");
        assertThat(e.errors().get(3).message()).contains("units");
    }
}
