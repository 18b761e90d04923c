package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({
        "512B, 512",
        "64KiB, 65536",
        "256MiB, 268435456",
        "4GiB, 4294967296",
        "1TiB, 1099511627776",
        "1KB, 1000",
        "5MB, 5000000",
        "2GB, 2000000000",
        "1TB, 1000000000000",
        "' 8 MiB ', 8388608",
        "0B, 0"})
    void parsesANumberWithAUnit(String text, long bytes) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1024", "", "MiB", "1.5GiB", "-1MiB", "64 M i B"})
    void refusesTextThatIsNoSizeWithAUnit(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a size with a unit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"64mib", "64Mb", "1gib", "8kib"})
    void refusesUnitsInTheWrongCaseSinceMbWouldBeMegabits(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("unknown size unit");
    }

    @Test
    void namesTheUnitsItKnowsForAnUnknownUnit() {
        assertThatThrownBy(() -> ByteSize.parse("4PiB"))
                .hasMessage("unknown size unit 'PiB' in '4PiB'; use B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB)");
    }

    @Test
    void refusesASizeThatOverflowsALong() {
        assertThatThrownBy(() -> ByteSize.parse("9999999999TiB")).hasMessageStartingWith("size too large");
        assertThatThrownBy(() -> ByteSize.parse("99999999999999999999B")).hasMessageStartingWith("size too large");
    }

    @Test
    void printsTheShortestExactForm() {
        assertThat(ByteSize.ofMebibytes(64)).hasToString("64MiB");
        assertThat(ByteSize.ofBytes(1536)).hasToString("1536B");
        assertThat(ByteSize.ofKibibytes(1536)).hasToString("1536KiB");
        assertThat(ByteSize.parse(ByteSize.ofGibibytes(3).toString())).isEqualTo(ByteSize.ofGibibytes(3));
    }
}
