package dev.gapless.agent.filter.date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.plugin.FilterContext;
import dev.gapless.config.filter.date.DateFilterConfig;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The date filter through the chain: each format, zones, a year inferred, the target, failures. */
class DateFilterTest {

    private static final long RECEIVED = 1_000L;
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T10:00:00Z"), ZoneOffset.UTC);
    private FilterStats stats;

    private FilterChain chain(String settings) throws Exception {
        DateFilterConfig c = (DateFilterConfig) ConfigLoader.parse("filters:\n  - type: date\n" + settings.indent(4),
                "t.yaml", Path.of("/tmp"), Map.of()).filters().get(0);
        stats = new FilterStats(c.id(), c.type());
        return new FilterChain(List.of(new FilterChain.Step(stats, c.when(),
                new DateFilterFactory().create(c, new FilterContext(stats, clock)))), 1 << 20);
    }

    /** The event time set from {@code fields.t} holding {@code json}, or RECEIVED when it was not set. */
    private MessageBatch run(FilterChain chain, String json) {
        MessageBatch b = new MessageBatch(64);
        b.source("s");
        b.receivedAtNanos(RECEIVED);
        b.add(new byte[] {'m'}, 0, 1, 0);
        byte[] f = ("{\"t\":" + json + "}").getBytes(StandardCharsets.UTF_8);
        b.fieldsOfLast(f, 0, f.length);
        return chain.runner().apply(b);
    }

    private long time(String settings, String json) throws Exception {
        return run(chain(settings), json).eventTimeNanos(0);
    }

    private static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void readsAJavaTimePatternWithItsOffset() throws Exception {
        assertThat(time("field: fields.t\nformats: ['dd/MMM/yyyy:HH:mm:ss Z']", "\"23/Nov/2026:10:15:32 +0100\""))
                .isEqualTo(nanos("2026-11-23T09:15:32Z"));
    }

    @Test
    void readsIso8601InItsCommonForms() throws Exception {
        String s = "field: fields.t\nformats: [ISO8601]\ntimezone: Europe/Paris";
        assertThat(time(s, "\"2026-11-23T10:17:05.250+00:00\"")).isEqualTo(nanos("2026-11-23T10:17:05.250Z"));
        assertThat(time(s, "\"2026-11-23T10:17:05Z\"")).isEqualTo(nanos("2026-11-23T10:17:05Z"));
        assertThat(time(s, "\"2026-11-23 10:17:05.123456789+0130\""))
                .isEqualTo(nanos("2026-11-23T08:47:05.123456789Z"));
        assertThat(time(s, "\"2026-11-23T10:17\"")).as("no offset: the timezone")
                .isEqualTo(nanos("2026-11-23T09:17:00Z"));
    }

    @Test
    void readsEpochNumbersAndTextAtEachScale() throws Exception {
        assertThat(time("field: fields.t\nformats: [UNIX]", "1700000000.5")).isEqualTo(1_700_000_000_500_000_000L);
        assertThat(time("field: fields.t\nformats: [UNIX]", "\"1700000000\"")).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(time("field: fields.t\nformats: [UNIX_MS]", "1700000000123")).isEqualTo(1_700_000_000_123_000_000L);
        assertThat(time("field: fields.t\nformats: [UNIX_US]", "1700000000123456"))
                .isEqualTo(1_700_000_000_123_456_000L);
        assertThat(time("field: fields.t\nformats: [UNIX_NS]", "1700000000123456789"))
                .isEqualTo(1_700_000_000_123_456_789L);
    }

    @Test
    void aDateWithoutAYearTakesTheYearThatIsNotInTheFuture() throws Exception {
        String s = "field: fields.t\nformats: [SYSLOG]\ntimezone: UTC";
        assertThat(time(s, "\"Jan  2 09:00:00\"")).isEqualTo(nanos("2026-01-02T09:00:00Z"));
        assertThat(time(s, "\"Dec 31 23:59:59\"")).as("last year's").isEqualTo(nanos("2025-12-31T23:59:59Z"));
    }

    @Test
    void theFirstFormatThatReadsWinsAndATargetUnderFieldsGetsRfc3339() throws Exception {
        MessageBatch out = run(chain("field: fields.t\nformats: [UNIX, ISO8601]\ntarget: fields.when"),
                "\"2026-11-23T10:17:05Z\"");

        assertThat(out.eventTimeNanos(0)).as("event time untouched").isEqualTo(RECEIVED);
        assertThat(new String(out.fieldsArray(), out.fieldsOffset(0), out.fieldsLength(0), StandardCharsets.UTF_8))
                .isEqualTo("{\"t\":\"2026-11-23T10:17:05Z\",\"when\":\"2026-11-23T10:17:05Z\"}");
    }

    @Test
    void whatNoFormatReadsIsTaggedCountedAndKept() throws Exception {
        FilterChain chain = chain("field: fields.t\nformats: ['dd/MMM/yyyy:HH:mm:ss Z', ISO8601]");
        for (String bad : List.of("\"yesterday\"", "\"31/Feb/2026:10:00:00 +0000\"", "{\"a\":1}", "null")) {
            MessageBatch out = run(chain, bad);
            assertThat(out.size()).isEqualTo(1);
            assertThat(out.eventTimeNanos(0)).isEqualTo(RECEIVED);
            assertThat(out.freeTags(0)).as(bad).containsExactly("_dateparsefailure");
        }
        assertThat(stats.failures.sum()).isEqualTo(4);
        assertThat(run(chain, "\"" + "9".repeat(5000) + "\"").freeTags(0)).containsExactly("_dateparsefailure");
    }

    @Test
    void aBadPatternZoneOrTargetIsALocatedConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                filters:
                  - type: date
                    field: fields.t
                    formats: [ISO8601, 'yyyy-MM-dd bb']
                    timezone: Mars/Olympus
                    target: message
                """, "t.yaml", Path.of("/tmp"), Map.of()));

        assertThat(e.errors()).extracting(x -> x.line() + ":" + x.path()).containsExactly(
                "4:filters[0].formats", "5:filters[0].timezone", "6:filters[0].target");
        assertThat(e.errors().get(0).message()).contains("format 2");
    }
}
