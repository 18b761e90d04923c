package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JournalConfigTest {

    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;

    @Test
    void minFreeNotSetIsTheSmallerOf1GiBAnd5PercentOfTheFileSystem() {
        JournalConfig d = JournalConfig.DEFAULT;
        assertThat(d.minFree()).isEmpty();
        // the 96 MiB tmpfs of the fault campaign: 4.8 MiB, not 1 GiB (which refused every append there)
        assertThat(d.minFreeFor(96 * MiB).bytes()).isEqualTo(96 * MiB * 5 / 100);
        assertThat(d.minFreeFor(10 * GiB).bytes()).isEqualTo(10 * GiB * 5 / 100);
        assertThat(d.minFreeFor(20 * GiB).bytes()).isEqualTo(GiB); // 5 % is exactly the cap here
        assertThat(d.minFreeFor(2000 * GiB)).isEqualTo(JournalConfig.DEFAULT_MIN_FREE_CAP);
        assertThat(d.minFreeFor(Long.MAX_VALUE)).isEqualTo(JournalConfig.DEFAULT_MIN_FREE_CAP);
    }

    @Test
    void minFreeAsSetIsKeptWhateverTheFileSystem() throws Exception {
        GaplessConfig c = ConfigLoader.parse("journal: { min_free: 1GiB }\n", "t.yaml", Path.of("/srv"), Map.of());
        assertThat(c.journal().minFreeFor(96 * MiB)).isEqualTo(ByteSize.ofGibibytes(1));
        GaplessConfig unset = ConfigLoader.parse("journal: { max_size: 1GiB }\n", "t.yaml", Path.of("/srv"), Map.of());
        assertThat(unset.journal().minFree()).isEmpty();
    }
}
