package dev.gapless.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    @Test
    void parsesTheEnvelopeFormExactly() {
        for (String s : new String[] {"2026-11-23T10:00:00.123456789Z", "2026-11-23T10:00:00Z", "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.5Z", "1969-12-31T23:59:59.999Z", "2000-03-01T00:00:00.000001Z"}) {
            assertThat(Rfc3339.toInstant(Rfc3339.parseNanos(s))).as(s).isEqualTo(Instant.parse(s));
        }
    }

    @Test
    void appliesOffsets() {
        String s = "2026-11-23T12:00:00.5+02:00";
        assertThat(Rfc3339.toInstant(Rfc3339.parseNanos(s))).isEqualTo(OffsetDateTime.parse(s).toInstant());
    }

    @Test
    void refusesWhatIsNoTimestamp() {
        for (String s : new String[] {"", "yesterday", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-11-23T10:00:00", "2026-11-23T10:00:00.Z", "2026-11-23T25:00:00Z", "2026-11-23T10:00:60Z"}) {
            assertThat(Rfc3339.parseNanos(s)).as(s).isEqualTo(Rfc3339.INVALID);
        }
    }

    @Test
    void aReusedParserAgreesWithAFreshOneWhateverCameBefore() {
        String[] times = {"2026-11-23T10:00:00.1Z", "2026-11-23T10:00:59Z", "2026-11-23T10:00:60Z",
            "2026-11-23T10:00:01+02:00", "2026-11-23T10:00", "2026-11-23T10:01:00Z", "2026-02-30T10:01:00Z",
            "2026-11-23T10:00:00.Z", "2026-11-23T10:00x00Z", "2024-02-29T00:00:00Z", "2026-11-23T10:00:00\u00e9"};
        Rfc3339 reused = new Rfc3339();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < times.length; i++) {
                String s = times[(i * 7 + round) % times.length];
                byte[] b = ("xx" + s + "yy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(reused.parse(b, 2, b.length - 4)).as(s).isEqualTo(Rfc3339.parseNanos(s));
            }
        }
    }
}
