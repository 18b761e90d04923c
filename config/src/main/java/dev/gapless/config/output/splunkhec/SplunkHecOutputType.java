package dev.gapless.config.output.splunkhec;

import dev.gapless.config.Codec;
import dev.gapless.config.Durations;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@code type: splunk_hec}: batches sent to a Splunk HTTP Event Collector, with indexer acknowledgement. */
public final class SplunkHecOutputType implements OutputType<SplunkHecOutputConfig> {

    public static final String NAME = "splunk_hec";
    public static final SplunkHecOutputType INSTANCE = new SplunkHecOutputType();

    private SplunkHecOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<SplunkHecOutputConfig> configClass() {
        return SplunkHecOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return Codec.JSON_LINES;
    }

    @Override
    public SplunkHecOutputConfig bind(Settings s, OutputCommon c) {
        URI url = s.required("url", Kind.HTTP_URL);
        Path tokenFile = s.required("token_file", Kind.PATH);
        boolean ack = s.get("ack", Kind.BOOLEAN, SplunkHecOutputConfig.DEFAULT_ACK);
        Duration ackTimeout = s.get("ack_timeout", Kind.POSITIVE_DURATION, SplunkHecOutputConfig.DEFAULT_ACK_TIMEOUT);
        Duration poll = s.get("ack_poll_interval", Kind.POSITIVE_DURATION,
                SplunkHecOutputConfig.DEFAULT_ACK_POLL_INTERVAL);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, SplunkHecOutputConfig.DEFAULT_TIMEOUT);
        Optional<String> index = s.optional("index", Kind.NON_EMPTY_STRING);
        String sourcetype = s.get("sourcetype", Kind.NON_EMPTY_STRING, SplunkHecOutputConfig.DEFAULT_SOURCETYPE);
        SplunkHecOutputConfig.EventFormat format = s.get("event_format",
                Kind.oneOf(SplunkHecOutputConfig.EventFormat.class), SplunkHecOutputConfig.DEFAULT_EVENT_FORMAT);
        boolean https = url != null && "https".equalsIgnoreCase(url.getScheme());
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        boolean ok = true;
        if (url != null && !https && t.written()) {
            s.problem("tls is set but url " + url + " is plain http: use https:// or remove tls", "url");
            ok = false;
        }
        Optional<ClientTls> tls = TlsSettings.client(t, https);
        if (c.codec() != null && c.codec() != Codec.JSON_LINES) {
            s.problem("the splunk_hec output reads each event's envelope: codec must be json_lines", "codec");
            ok = false;
        }
        if (poll.compareTo(ackTimeout) >= 0) {
            s.problem("ack_poll_interval (" + Durations.format(poll) + ") must be below ack_timeout ("
                    + Durations.format(ackTimeout) + ")", "ack_poll_interval", "ack_timeout");
            ok = false;
        }
        if (!ok || c.id() == null || url == null || tokenFile == null || tls == null) {
            return null;
        }
        return new SplunkHecOutputConfig(c.id(), url, tokenFile, ack, ackTimeout, poll, timeout, index, sourcetype,
                format, tls, c.codec(), c.batch(), c.retry());
    }
}
