package dev.gapless.config.output.elasticsearch;

import dev.gapless.config.Codec;
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

/** {@code type: elasticsearch}: events as documents through {@code _bulk}, for Elasticsearch and OpenSearch. */
public final class ElasticsearchOutputType implements OutputType<ElasticsearchOutputConfig> {

    public static final String NAME = "elasticsearch";
    public static final ElasticsearchOutputType INSTANCE = new ElasticsearchOutputType();

    private ElasticsearchOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<ElasticsearchOutputConfig> configClass() {
        return ElasticsearchOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return ElasticsearchOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public ElasticsearchOutputConfig bind(Settings s, OutputCommon c) {
        URI url = s.required("url", Kind.HTTP_URL);
        if (url != null && url.getRawQuery() != null) {
            s.problem("url is the cluster's base URL: remove the query (?" + url.getRawQuery() + ")", "url");
            url = null;
        }
        String indexText = s.required("index", Kind.NON_EMPTY_STRING);
        IndexPattern index = null;
        if (indexText != null) {
            try {
                index = IndexPattern.parse(indexText);
            } catch (IllegalArgumentException e) {
                s.problem("index '" + indexText + "': " + e.getMessage(), "index");
            }
        }
        if (c.codec() != null && c.codec() != Codec.JSON_LINES) {
            s.problem("the elasticsearch output sends each event's envelope as its document: codec must be "
                    + "json_lines", "codec");
        }
        Duration timeout = s.get("timeout", Kind.POSITIVE_DURATION, ElasticsearchOutputConfig.DEFAULT_TIMEOUT);
        ElasticsearchOutputConfig.Compression compression = s.get("compression",
                Kind.oneOf(ElasticsearchOutputConfig.Compression.class), ElasticsearchOutputConfig.DEFAULT_COMPRESSION);
        Optional<String> user = s.optional("user", Kind.NON_EMPTY_STRING);
        Optional<Path> passwordFile = s.optional("password_file", Kind.PATH);
        Optional<Path> apiKeyFile = s.optional("api_key_file", Kind.PATH);
        Optional<ElasticsearchOutputConfig.Auth> auth = Optional.empty();
        boolean authOk = true;
        if (apiKeyFile.isPresent() && (user.isPresent() || passwordFile.isPresent())) {
            s.problem("give either user and password_file or api_key_file, not both", "api_key_file", "user");
            authOk = false;
        } else if (user.isPresent() != passwordFile.isPresent()) {
            s.problem("user and password_file go together", "user", "password_file");
            authOk = false;
        } else if (user.isPresent()) {
            auth = Optional.of(new ElasticsearchOutputConfig.Basic(user.get(), passwordFile.get()));
        } else if (apiKeyFile.isPresent()) {
            auth = Optional.of(new ElasticsearchOutputConfig.ApiKey(apiKeyFile.get()));
        }
        boolean https = url != null && "https".equalsIgnoreCase(url.getScheme());
        Settings t = s.section("tls", "the TLS settings (ca_file, cert_file, key_file, verify, server_name)");
        boolean tlsOnPlain = url != null && !https && t.written();
        if (tlsOnPlain) {
            s.problem("tls is set but url " + url + " is plain http: use https:// or remove tls", "url");
        }
        Optional<ClientTls> tls = TlsSettings.client(t, https); // read even when refused: no "unknown key" too
        if (c.id() == null || url == null || index == null || tls == null || tlsOnPlain || !authOk
                || c.codec() != Codec.JSON_LINES) {
            return null;
        }
        return new ElasticsearchOutputConfig(c.id(), url, index, c.codec(), timeout, compression, auth, tls,
                c.batch(), c.retry());
    }
}
