package dev.gapless.config.output.http;

import dev.gapless.config.Codec;
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

/** {@code type: http}: batches POSTed as NDJSON. */
public final class HttpOutputType implements OutputType<HttpOutputConfig> {

    public static final String NAME = "http";
    public static final HttpOutputType INSTANCE = new HttpOutputType();

    private HttpOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<HttpOutputConfig> configClass() {
        return HttpOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return HttpOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public HttpOutputConfig bind(Settings s, OutputCommon c) {
        URI url = s.required("url", Kind.HTTP_URL);
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, HttpOutputConfig.DEFAULT_TIMEOUT);
        Map<String, String> headers = s.get("headers", Kind.HEADERS, Map.of());
        Optional<URI> healthUrl = s.optional("health_url", Kind.HTTP_URL);
        boolean https = url != null && "https".equalsIgnoreCase(url.getScheme());
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        if (url != null && !https && t.written()) {
            s.problem("tls is set but url " + url + " is plain http: use https:// or remove tls", "url");
        }
        Optional<ClientTls> tls = TlsSettings.client(t, https); // read even when refused: no "unknown key" too
        if (c.id() == null || url == null || tls == null || !https && t.written()) {
            return null;
        }
        return new HttpOutputConfig(c.id(), url, c.codec(), timeout, headers, healthUrl, tls, c.batch(),
                c.retry());
    }
}
