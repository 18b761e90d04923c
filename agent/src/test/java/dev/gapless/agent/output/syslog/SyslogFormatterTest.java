package dev.gapless.agent.output.syslog;

import static dev.gapless.agent.output.syslog.Envelopes.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.EnvelopeFrame;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 5424 messages from envelopes: header, PRI, nil values, our SD element, escaping, sanitising, truncation. */
class SyslogFormatterTest {

    private static final HostPort ANY = new HostPort("127.0.0.1", 514);

    private static String format(SyslogOutputConfig config, ObjectNode envelope) {
        return new String(formatted(config, envelope).bytes(), StandardCharsets.UTF_8);
    }

    private static SyslogFormatter.Formatted formatted(SyslogOutputConfig config, ObjectNode envelope) {
        EncodedBatch b = Envelopes.batch(envelope);
        return new SyslogFormatter(config).format(EnvelopeFrame.read(b, 0));
    }

    private static SyslogOutputConfig config(int max) {
        return Envelopes.config(Protocol.TCP, ANY, Optional.empty(), 128, Duration.ofSeconds(5),
                ByteSize.ofBytes(max));
    }

    @Test
    void anEventWithoutSyslogFieldsTakesTheDefaultsAndTheEnvelopesHost() {
        String m = format(config(8192), Envelopes.event(7, "hello world", null));

        // user.info = 1 * 8 + 6; the event time in UTC cut to microseconds; no PROCID or MSGID: nil
        assertThat(m).isEqualTo("<14>1 2026-12-01T23:59:58.987654Z agent-host gapless - - "
                + "[gapless@32473 agent_id=\"" + Envelopes.AGENT_ID + "\" seq=\"7\"] hello world");
    }

    @Test
    void theSyslogInputsFieldsCarryOverWithTheirStructuredData() {
        ObjectNode s = JSON.createObjectNode().put("facility", "local7").put("severity", "emerg")
                .put("hostname", "web-1").put("app_name", "nginx").put("proc_id", "4242").put("msg_id", "ID47");
        ObjectNode sd = s.putObject("structured_data");
        sd.putObject("exampleSDID@32473").put("iut", "3").put("eventSource", "Application");
        sd.putObject("origin").putArray("ip").add("10.0.0.1").add("10.0.0.2");

        String m = format(config(8192), Envelopes.event(1, "an event", s));

        // local7.emerg = 23 * 8 + 0; a repeated name is written once per value
        assertThat(m).isEqualTo("<184>1 2026-12-01T23:59:58.987654Z web-1 nginx 4242 ID47 "
                + "[gapless@32473 agent_id=\"" + Envelopes.AGENT_ID + "\" seq=\"1\"]"
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"][origin ip=\"10.0.0.1\" ip=\"10.0.0.2\"]"
                + " an event");
    }

    @Test
    void priCoversEveryFacilityAndSeverity() {
        for (int f = 0; f < 24; f++) {
            for (int sev = 0; sev < 8; sev++) {
                ObjectNode s = JSON.createObjectNode().put("facility", SyslogOutputConfig.FACILITIES.get(f))
                        .put("severity", SyslogOutputConfig.SEVERITIES.get(sev));
                assertThat(format(config(8192), Envelopes.event(1, "x", s))).startsWith("<" + (f * 8 + sev) + ">1 ");
            }
        }
        ObjectNode unknown = JSON.createObjectNode().put("facility", "local9").put("severity", "loud");
        assertThat(format(config(8192), Envelopes.event(1, "x", unknown))).as("unknown keywords: the defaults")
                .startsWith("<14>1 ");
    }

    @Test
    void paramValuesEscapeQuoteBackslashAndBracket() {
        ObjectNode s = JSON.createObjectNode();
        s.putObject("structured_data").putObject("x@1").put("a", "say \"hi\" \\ [ok]");

        assertThat(format(config(8192), Envelopes.event(1, "m", s)))
                .contains("[x@1 a=\"say \\\"hi\\\" \\\\ [ok\\]\"]");
    }

    @Test
    void invalidHeaderValuesAreSanitisedNeverMalformed() {
        ObjectNode s = JSON.createObjectNode().put("hostname", "my host\u00e9\n").put("app_name", "a".repeat(60))
                .put("proc_id", "").put("msg_id", "m\u0001sg");
        ObjectNode sd = s.putObject("structured_data");
        sd.putObject("bad id=\"]").put("na me", "v");
        sd.putObject("gapless@32473").put("seq", "999"); // named like ours: left out, our element is the one

        String m = format(config(8192), Envelopes.event(3, "text", s));

        assertThat(m).isEqualTo("<14>1 2026-12-01T23:59:58.987654Z my_host__ " + "a".repeat(48) + " - m_sg "
                + "[gapless@32473 agent_id=\"" + Envelopes.AGENT_ID + "\" seq=\"3\"][bad_id___ na_me=\"v\"] text");
        assertThat(SyslogFormatter.headerValue("h".repeat(300), SyslogFormatter.MAX_HOSTNAME)).hasSize(255);
        assertThat(SyslogFormatter.sdName("s".repeat(40))).hasSize(32);
        assertThat(SyslogFormatter.sdName("")).isEqualTo("_");
    }

    @Test
    void anEmptyMessageHasNoTrailingSpaceAndUtf8IsKeptWithoutBom() {
        assertThat(format(config(8192), Envelopes.event(1, "", null))).endsWith("seq=\"1\"]");
        String m = format(config(8192), Envelopes.event(1, "grüße, 日本", null));
        assertThat(m).endsWith("] grüße, 日本").doesNotContain("\uFEFF");
    }

    @Test
    void heartbeatsAndLossMarkersCarryTheirEnvelopeAndKind() {
        ObjectNode hb = Envelopes.event(9, "", null);
        hb.put("kind", "heartbeat").remove("message");
        hb.putObject("heartbeat").put("head_seq", 9);

        String m = format(config(8192), hb);

        assertThat(m).startsWith("<14>1 2026-12-01T23:59:58.987654Z agent-host gapless - heartbeat "
                + "[gapless@32473 agent_id=\"" + Envelopes.AGENT_ID + "\" seq=\"9\" kind=\"heartbeat\"] {");
        assertThat(m).contains("\"head_seq\":9");
    }

    @Test
    void aLongMessageIsCutOnACharacterBoundaryAndMarkedWithItsLength() {
        String text = "é".repeat(1000); // 2000 bytes
        SyslogFormatter.Formatted f = formatted(config(1024), Envelopes.event(5, text, null));
        String m = new String(f.bytes(), StandardCharsets.UTF_8);

        assertThat(f.truncated()).isTrue();
        assertThat(f.bytes().length).isLessThanOrEqualTo(1024).isGreaterThan(1000);
        assertThat(m).doesNotContain("\uFFFD").contains("seq=\"5\" truncated=\"");
        long from = Long.parseLong(m.replaceAll(".*truncated=\"([0-9]+)\".*", "$1"));
        assertThat(from).isGreaterThan(2000);
        assertThat(Envelopes.seqOf(m)).isEqualTo(5);
        assertThat(formatted(config(8192), Envelopes.event(5, text, null)).truncated()).isFalse();
    }

    @Test
    void theEventsStructuredDataGivesWayBeforeTheMessageHeaderOrOurElement() {
        ObjectNode s = JSON.createObjectNode();
        s.putObject("structured_data").putObject("big@1").put("v", "x".repeat(2000));

        SyslogFormatter.Formatted f = formatted(config(1024), Envelopes.event(6, "short", s));
        String m = new String(f.bytes(), StandardCharsets.UTF_8);

        assertThat(f.truncated()).isTrue();
        assertThat(m).doesNotContain("big@1").endsWith("] short").contains("seq=\"6\" truncated=\"");
    }

    @Test
    void utf8PrefixNeverSplitsACharacter() {
        byte[] b = "aé日".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 bytes
        assertThat(SyslogFormatter.utf8Prefix(b, 1)).isEqualTo(1);
        assertThat(SyslogFormatter.utf8Prefix(b, 2)).isEqualTo(1);
        assertThat(SyslogFormatter.utf8Prefix(b, 3)).isEqualTo(3);
        assertThat(SyslogFormatter.utf8Prefix(b, 5)).isEqualTo(3);
        assertThat(SyslogFormatter.utf8Prefix(b, 6)).isEqualTo(6);
    }

    @Test
    void octetCountingFramesEachMessageByItsByteLength() {
        byte[][] messages = {"abc".getBytes(StandardCharsets.UTF_8), "é".getBytes(StandardCharsets.UTF_8)};
        var buf = TcpTransport.frames(messages);
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("3 abc2 é");
        } finally {
            buf.release();
        }
    }
}
