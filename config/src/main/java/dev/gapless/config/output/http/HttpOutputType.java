package dev.gapless.config.output.http;

import dev.gapless.config.Codec;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
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
        if (c.id() == null || url == null) {
            return null;
        }
        return new HttpOutputConfig(c.id(), url, c.codec(), timeout, headers, healthUrl, c.batch(), c.retry());
    }
}
