package dev.gapless.config.output.otlp;

import dev.gapless.config.Codec;
import dev.gapless.config.output.otlp.OtlpOutputConfig.Compression;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ClientTls;
import dev.gapless.config.tls.TlsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code type: otlp}: batches sent as OTLP/HTTP log records (protobuf). */
public final class OtlpOutputType implements OutputType<OtlpOutputConfig> {

    public static final String NAME = "otlp";
    public static final OtlpOutputType INSTANCE = new OtlpOutputType();

    private OtlpOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<OtlpOutputConfig> configClass() {
        return OtlpOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return OtlpOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public OtlpOutputConfig bind(Settings s, OutputCommon c) {
        URI url = s.required("url", Kind.HTTP_URL);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, OtlpOutputConfig.DEFAULT_TIMEOUT);
        Map<String, String> headers = s.get("headers", Kind.HEADERS, Map.of());
        Compression compression = s.get("compression", Kind.oneOf(Compression.class),
                OtlpOutputConfig.DEFAULT_COMPRESSION);
        boolean https = url != null && "https".equalsIgnoreCase(url.getScheme());
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        if (url != null && !https && t.written()) {
            s.problem("tls is set but url " + url + " is plain http: use https:// or remove tls", "url");
        }
        Optional<ClientTls> tls = TlsSettings.client(t, https); // read even when refused: no "unknown key" too
        boolean envelopes = c.codec() == null || c.codec() == Codec.JSON_LINES;
        if (!envelopes) {
            s.problem("the otlp output builds its log records from the envelope: codec must be json_lines", "codec");
        }
        if (c.id() == null || url == null || tls == null || !https && t.written() || !envelopes) {
            return null;
        }
        return new OtlpOutputConfig(c.id(), url, c.codec(), timeout, headers, compression, tls, c.batch(),
                c.retry());
    }
}
