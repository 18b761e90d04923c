package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ns, PT0.00000025S",
        "20us, PT0.00002S",
        "500ms, PT0.5S",
        "30s, PT30S",
        "2m, PT2M",
        "1h, PT1H",
        "1d, PT24H",
        "' 5 s ', PT5S",
        "0s, PT0S"})
    void parsesAWholeNumberWithAUnit(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "", "s", "1.5s", "-5s", "5 sec", "1w", "PT5S"})
    void refusesTextThatIsNoDurationWithAUnit(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a duration with a unit (ms, s, m, h, d), such as 500ms or 30s, got '"
                        + text + "'");
    }

    @Test
    void refusesADurationThatOverflows() {
        assertThatThrownBy(() -> Durations.parse("99999999999999999999s")).hasMessageStartingWith("duration too large");
        assertThatThrownBy(() -> Durations.parse("9223372036854775807d")).hasMessageStartingWith("duration too large");
    }

    @Test
    void formatsTheShortestExactFormAndParsesItBack() {
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[] {Duration.ofNanos(7), Duration.ofDays(3), Duration.ofMillis(20)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"5M", "5MS", "1H", "10S"})
    void refusesUnitsInTheWrongCase(String text) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parse(text))
                .hasMessageContaining("expected a duration with a unit");
    }
}
