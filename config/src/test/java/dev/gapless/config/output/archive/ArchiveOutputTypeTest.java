package dev.gapless.config.output.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiveOutputTypeTest {

    private static final String HEAD = "inputs:\n  - { id: app, type: tcp, listen: 127.0.0.1:0 }\noutputs:\n";

    private static GaplessConfig load(String output) throws ConfigException {
        return ConfigLoader.parse(HEAD + output, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void bindsEveryKeyWithPathsAgainstTheConfigsDirectory() throws Exception {
        ArchiveOutputConfig c = (ArchiveOutputConfig) load("  - { id: vault, type: archive, path: archive,"
                + " roll_size: 1MiB, roll_interval: 5m, compression: gzip, hmac_key_file: archive.key }\n")
                .outputs().get(0);
        assertThat(c.path()).isEqualTo(Path.of("/etc/gapless/archive"));
        assertThat(c.rollSize()).isEqualTo(ByteSize.ofMebibytes(1));
        assertThat(c.rollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.compression()).isEqualTo(Compression.GZIP);
        assertThat(c.hmacKeyFile()).isEqualTo(Path.of("/etc/gapless/archive.key"));
        assertThat(c.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(c.probe()).isEqualTo(new Probe.DirWritable(Path.of("/etc/gapless/archive")));
    }

    @Test
    void refusesAnUnknownCompressionAndAMissingPathWithTheirPlaces() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load("  - { id: vault, type: archive, compression: lz4, roll_interval: 0s }\n"));
        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(Object::toString).anySatisfy(m -> assertThat(m)
                .contains("gapless.yaml:4:", "compression", "lz4", "zstd"))
                .anySatisfy(m -> assertThat(m).contains("roll_interval"))
                .anySatisfy(m -> assertThat(m).contains("path"));
    }
}
