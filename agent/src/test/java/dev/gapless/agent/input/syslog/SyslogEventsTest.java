package dev.gapless.agent.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The parser and the event it makes: message, event time, fields and tags, for well-formed and broken input. */
class SyslogEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final long RECEIVED = 42;

    /** One event as the journal would get it. */
    record Event(String message, byte[] bytes, String fields, long eventTimeNanos, int tags) {
        Instant eventTime() {
            return eventTimeNanos == RECEIVED ? null : Instant.ofEpochSecond(0, eventTimeNanos);
        }

        JsonNode syslog() throws Exception {
            return JSON.readTree(fields).get("syslog");
        }
    }

    private static Event parse(byte[] raw, Instant now, ZoneId zone) {
        MessageBatch out = new MessageBatch(64);
        out.receivedAtNanos(RECEIVED);
        new SyslogEvents(new SyslogParser(Clock.fixed(now, ZoneOffset.UTC), zone)).add(raw, 0, raw.length, 0, out);
        assertThat(out.size()).isEqualTo(1);
        byte[] msg = Arrays.copyOfRange(out.array(), out.offset(0), out.offset(0) + out.length(0));
        String fields = new String(out.fieldsArray(), out.fieldsOffset(0), out.fieldsLength(0), StandardCharsets.UTF_8);
        return new Event(new String(msg, StandardCharsets.UTF_8), msg, fields, out.eventTimeNanos(0), out.tags(0));
    }

    private static Event parse(String raw) {
        return parse(raw.getBytes(StandardCharsets.UTF_8), NOW, ZoneOffset.UTC);
    }

    @Test
    void rfc5424WithStructuredDataAndBom() throws Exception {
        Event e = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"][origin ip=\"192.0.2.1\"] "
                + "\uFEFFAn application event");
        assertThat(e.message()).isEqualTo("An application event");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(e.tags()).isZero();
        assertThat(e.fields()).isEqualTo("{\"syslog\":{\"facility\":\"local4\",\"severity\":\"notice\","
                + "\"hostname\":\"mymachine.example.com\",\"app_name\":\"evntslog\",\"proc_id\":\"1234\","
                + "\"msg_id\":\"ID47\",\"structured_data\":{\"exampleSDID@32473\":{\"iut\":\"3\","
                + "\"eventSource\":\"Application\"},\"origin\":{\"ip\":\"192.0.2.1\"}}}}");
    }

    @Test
    void rfc5424NilValuesAreLeftOutAndNoTimestampMeansTheReceiveTime() throws Exception {
        Event e = parse("<34>1 - - - - - -");
        assertThat(e.message()).isEmpty();
        assertThat(e.eventTime()).isNull();
        assertThat(e.fields()).isEqualTo("{\"syslog\":{\"facility\":\"auth\",\"severity\":\"crit\"}}");

        Event withMsg = parse("<0>1 2026-12-02T09:00:00+02:00 - - - - - hello - world");
        assertThat(withMsg.message()).isEqualTo("hello - world");
        assertThat(withMsg.eventTime()).isEqualTo(Instant.parse("2026-12-02T07:00:00Z"));
        assertThat(withMsg.syslog().get("facility").asText()).isEqualTo("kern");
        assertThat(withMsg.syslog().get("severity").asText()).isEqualTo("emerg");
    }

    @Test
    void aTrailingNewlineIsNotPartOfTheMessage() {
        assertThat(parse("<13>1 - h a - - - m\n").message()).isEqualTo("m");
        assertThat(parse("<13>1 - h a - - - m\r\n").message()).isEqualTo("m");
        assertThat(parse("<13>1 - h a - - - m\n\n").message()).isEqualTo("m\n");
    }

    @Test
    void structuredDataEscapesAreUndoneAndOtherBackslashesKept() throws Exception {
        Event e = parse("<13>1 - h a - - [x@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" br=\"[\\]\" other=\"\\n\" "
                + "r=\"1\" r=\"2\"][y@1] m");
        JsonNode sd = e.syslog().get("structured_data");
        assertThat(sd.get("x@1").get("q").asText()).isEqualTo("say \"hi\"");
        assertThat(sd.get("x@1").get("b").asText()).isEqualTo("a\\b");
        assertThat(sd.get("x@1").get("br").asText()).isEqualTo("[]");
        assertThat(sd.get("x@1").get("other").asText()).isEqualTo("\\n");
        assertThat(sd.get("x@1").get("r")).hasSize(2);
        assertThat(sd.get("x@1").get("r").get(1).asText()).isEqualTo("2");
        assertThat(sd.get("y@1").isEmpty()).isTrue();
        assertThat(e.message()).isEqualTo("m");
    }

    @Test
    void rfc3164WithTagAndPid() throws Exception {
        Event e = parse("<13>Dec  2 02:07:07 web-1 sshd[123]: Accepted key");
        assertThat(e.message()).isEqualTo("Accepted key");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-12-02T02:07:07Z"));
        assertThat(e.fields()).isEqualTo("{\"syslog\":{\"facility\":\"user\",\"severity\":\"notice\","
                + "\"hostname\":\"web-1\",\"app_name\":\"sshd\",\"proc_id\":\"123\"}}");
    }

    @Test
    void rfc3164DeviationsMissingHostnameNoPriIsoTimestampOneDigitDay() throws Exception {
        Event noHost = parse("<30>Dec 2 02:07:07 cron[9]: job ran");
        assertThat(noHost.syslog().has("hostname")).isFalse();
        assertThat(noHost.syslog().get("app_name").asText()).isEqualTo("cron");
        assertThat(noHost.syslog().get("facility").asText()).isEqualTo("daemon");
        assertThat(noHost.message()).isEqualTo("job ran");

        Event noPri = parse("Dec 02 02:07:07.250 db postgres: checkpoint");
        assertThat(noPri.syslog().has("facility")).isFalse();
        assertThat(noPri.syslog().has("severity")).isFalse();
        assertThat(noPri.syslog().get("hostname").asText()).isEqualTo("db");
        assertThat(noPri.eventTime()).isEqualTo(Instant.parse("2026-12-02T02:07:07.250Z"));
        assertThat(noPri.message()).isEqualTo("checkpoint");

        Event iso = parse("<11>2026-12-02T02:07:07.5+01:00 host app: iso");
        assertThat(iso.eventTime()).isEqualTo(Instant.parse("2026-12-02T01:07:07.5Z"));
        assertThat(iso.syslog().get("severity").asText()).isEqualTo("err");
        assertThat(iso.message()).isEqualTo("iso");

        byte[] local = "<13>2026-07-01T12:00:00 host app: zoned".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(local, NOW, ZoneId.of("Europe/Paris")).eventTime())
                .as("an ISO timestamp without zone is in the timezone setting")
                .isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));

        Event noTag = parse("<13>Dec  2 02:07:07 host just some words");
        assertThat(noTag.syslog().has("app_name")).isFalse();
        assertThat(noTag.message()).isEqualTo("just some words");

        Event priOnly = parse("<13>no timestamp here");
        assertThat(priOnly.tags()).isZero();
        assertThat(priOnly.eventTime()).isNull();
        assertThat(priOnly.message()).isEqualTo("no timestamp here");
    }

    @Test
    void bsdTimestampsTakeTheTimezoneSetting() {
        byte[] raw = "<13>Jul  1 12:00:00 host app: m".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(raw, NOW, ZoneId.of("Europe/Paris")).eventTime())
                .isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));
        assertThat(parse(raw, NOW, ZoneId.of("America/New_York")).eventTime())
                .isEqualTo(Instant.parse("2026-07-01T16:00:00Z"));
    }

    @Test
    void yearRolloverAroundNewYear() {
        byte[] dec31 = "<13>Dec 31 23:59:00 host app: late".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(dec31, Instant.parse("2027-01-01T00:05:00Z"), ZoneOffset.UTC).eventTime())
                .as("received just after New Year: last year's").isEqualTo(Instant.parse("2026-12-31T23:59:00Z"));
        assertThat(parse(dec31, Instant.parse("2026-12-31T23:59:30Z"), ZoneOffset.UTC).eventTime())
                .isEqualTo(Instant.parse("2026-12-31T23:59:00Z"));

        byte[] jan1 = "<13>Jan  1 00:30:00 host app: early".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(jan1, Instant.parse("2026-12-31T23:00:00Z"), ZoneOffset.UTC).eventTime())
                .as("a sender a little ahead at New Year: next year's")
                .isEqualTo(Instant.parse("2027-01-01T00:30:00Z"));
        assertThat(parse(jan1, Instant.parse("2027-03-01T00:00:00Z"), ZoneOffset.UTC).eventTime())
                .isEqualTo(Instant.parse("2027-01-01T00:30:00Z"));

        byte[] dec3 = "<13>Dec  3 09:00:00 host app: tomorrow".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(dec3, NOW, ZoneOffset.UTC).eventTime()).as("less than a day ahead: this year")
                .isEqualTo(Instant.parse("2026-12-03T09:00:00Z"));
        byte[] dec4 = "<13>Dec  4 09:00:00 host app: ahead".getBytes(StandardCharsets.UTF_8);
        assertThat(parse(dec4, NOW, ZoneOffset.UTC).eventTime()).as("more than a day ahead: last year")
                .isEqualTo(Instant.parse("2025-12-04T09:00:00Z"));
    }

    @Test
    void whatDoesNotParseIsKeptRawAndTagged() {
        for (String raw : new String[] {"hello world", "<192>1 - - - - - - too high", "<13 unclosed",
            "<>empty", "<13>1 notatime h a - - - m", "<13>1 - h a - - [bad x=y] m", "<13>1 - h a - - [x@1 k=\"v\"",
            "<13>1 - h a - -x", "<13>1 - h a", "Feb 30 10:00:00 host app: no such day"}) {
            Event e = parse(raw);
            assertThat(e.message()).as(raw).isEqualTo(raw);
            assertThat(e.tags()).as(raw).isEqualTo(Tags.SYSLOG_PARSE_FAILED);
            assertThat(e.fields()).as(raw).isEmpty();
            assertThat(e.eventTime()).as(raw).isNull();
        }
        Event badDateWithPri = parse("<13>Feb 30 10:00:00 host app: no such day");
        assertThat(badDateWithPri.tags()).as("with a PRI, what follows is content (RFC 3164 4.3.2)").isZero();
        assertThat(badDateWithPri.message()).isEqualTo("Feb 30 10:00:00 host app: no such day");
    }

    @Test
    void invalidUtf8InHeaderAndStructuredDataStillMakesValidJsonAndTheMessageKeepsItsBytes() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("<13>1 - h".getBytes(StandardCharsets.US_ASCII));
        raw.write(0xFF);
        raw.writeBytes(" app - - [x@1 k=\"".getBytes(StandardCharsets.US_ASCII));
        raw.write(0xC3);
        raw.write(0x28);
        raw.write(0x01);
        raw.writeBytes("\"] bad ".getBytes(StandardCharsets.US_ASCII));
        raw.write(0xE2);
        Event e = parse(raw.toByteArray(), NOW, ZoneOffset.UTC);
        JsonNode syslog = e.syslog(); // parses: valid JSON
        assertThat(syslog.get("hostname").asText()).isEqualTo("h\uFFFD");
        assertThat(syslog.get("structured_data").get("x@1").get("k").asText()).isEqualTo("\uFFFD(\u0001");
        assertThat(e.bytes()).containsExactly('b', 'a', 'd', ' ', 0xE2);
        assertThat(e.tags()).as("the port tags invalid UTF-8 in the message, not the parser").isZero();
    }

    @Test
    void fieldsStayWithinTheBoundTheConfigPromisesForTheWorstBytes() {
        int n = 4096;
        byte[] raw = new byte[n];
        byte[] head = "<13>1 - h a - - [x@1 k=\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, raw, 0, head.length);
        Arrays.fill(raw, head.length, n - 2, (byte) 0x01); // each one becomes \u0001
        raw[n - 2] = '"';
        raw[n - 1] = ']';
        Event e = parse(raw, NOW, ZoneOffset.UTC);
        assertThat(e.fields().length()).isGreaterThan(5 * n)
                .isLessThanOrEqualTo(n * SyslogInputConfig.FIELDS_EXPANSION + SyslogInputConfig.FIELDS_OVERHEAD);
    }

    @Test
    void anyBytesMakeExactlyOneEventWithValidJsonFields() throws Exception {
        String[] seeds = {"<165>1 2003-10-11T22:14:15.003Z host app 12 ID [a@1 k=\"v\\\"\"][b] \uFEFFmsg",
            "<13>Dec  2 02:07:07 host sshd[1]: m", "<13>2026-12-02T02:07:07Z h t: m", "Dec 2 02:07:07 x y: z"};
        java.util.Random random = new java.util.Random(42);
        int failed = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] b = seeds[round % seeds.length].getBytes(StandardCharsets.UTF_8);
            b = Arrays.copyOf(b, random.nextInt(b.length + 1));
            for (int k = random.nextInt(4); k > 0 && b.length > 0; k--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            Event e = parse(b, NOW, ZoneOffset.UTC);
            if (!e.fields().isEmpty()) {
                assertThat(JSON.readTree(e.fields()).get("syslog").isObject()).isTrue();
            }
            if ((e.tags() & Tags.SYSLOG_PARSE_FAILED) != 0) {
                assertThat(e.bytes()).isEqualTo(b);
                failed++;
            }
        }
        assertThat(failed).as("some mutations break the message, most do not").isBetween(25, 4_975);
    }
}
