package dev.gapless.agent.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static String reference(long nanos) {
        return REFERENCE.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }

    @Test
    void formatsNanosecondsInUtc() {
        assertThat(Rfc3339.format(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
        assertThat(Rfc3339.format(1_763_892_000_123_456_789L)).isEqualTo("2025-11-23T10:00:00.123456789Z");
        assertThat(Rfc3339.format(951_782_400_000_000_001L)).isEqualTo("2000-02-29T00:00:00.000000001Z");
    }

    @Test
    void formatsTimesBefore1970() {
        assertThat(Rfc3339.format(-1)).isEqualTo("1969-12-31T23:59:59.999999999Z");
        assertThat(Rfc3339.format(-86_400_000_000_001L)).isEqualTo("1969-12-30T23:59:59.999999999Z");
        assertThat(Rfc3339.format(Long.MIN_VALUE)).isEqualTo("1677-09-21T00:12:43.145224192Z");
        assertThat(Rfc3339.format(Long.MAX_VALUE)).isEqualTo("2262-04-11T23:47:16.854775807Z");
    }

    @Test
    void agreesWithJavaTimeEverywhere() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long nanos = random.nextLong();
            assertThat(Rfc3339.format(nanos)).isEqualTo(reference(nanos));
        }
    }
}
