package dev.gapless.watchdog.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartWindowTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void windowSlides() {
        RestartWindow w = new RestartWindow(2, Duration.ofMinutes(10));
        w.record(T0);
        w.record(T0.plusSeconds(300));
        assertThat(w.spent(T0.plusSeconds(301))).isTrue();
        assertThat(w.nextSlotAt(T0.plusSeconds(301))).isEqualTo(T0.plusSeconds(600));
        assertThat(w.count(T0.plusSeconds(599))).isEqualTo(2);
        assertThat(w.count(T0.plusSeconds(600))).isEqualTo(1);
        assertThat(w.spent(T0.plusSeconds(600))).isFalse();
        assertThat(w.count(T0.plusSeconds(900))).isZero();
    }

    @Test
    void holdsAtMostMaxPlusOne() {
        RestartWindow w = new RestartWindow(3, Duration.ofHours(1));
        for (int i = 0; i < 1000; i++) {
            w.record(T0.plusSeconds(i));
        }
        assertThat(w.count(T0.plusSeconds(1000))).isEqualTo(4);
    }
}
