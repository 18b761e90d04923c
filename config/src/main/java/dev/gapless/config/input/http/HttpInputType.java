package dev.gapless.config.input.http;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import dev.gapless.config.tls.ServerTls;
import dev.gapless.config.tls.TlsSettings;
import java.time.Duration;
import java.util.Optional;

/** {@code type: http}: events POSTed as NDJSON, a JSON array or text lines. */
public final class HttpInputType implements InputType<HttpInputConfig> {

    public static final String NAME = "http";
    public static final HttpInputType INSTANCE = new HttpInputType();

    private HttpInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<HttpInputConfig> configClass() {
        return HttpInputConfig.class;
    }

    @Override
    public HttpInputConfig bind(Settings s, InputCommon common) {
        HostPort listen = s.required("listen", Kind.LISTEN_ADDRESS);
        String path = s.get("path", Kind.NON_EMPTY_STRING, HttpInputConfig.DEFAULT_PATH);
        boolean valid = true;
        if (!path.startsWith("/")) {
            s.problem("path must start with '/', got '" + path + "'", "path");
            valid = false;
        }
        ByteSize maxBody = s.get("max_body_bytes", Kind.POSITIVE_SIZE, HttpInputConfig.DEFAULT_MAX_BODY_BYTES);
        ByteSize maxInflated = s.get("max_decompressed_bytes", Kind.POSITIVE_SIZE,
                ByteSize.ofBytes(maxBody.bytes() * HttpInputConfig.DEFAULT_DECOMPRESSION_RATIO));
        ByteSize maxEvent = s.get("max_event_bytes", Kind.POSITIVE_SIZE, HttpInputConfig.DEFAULT_MAX_EVENT_BYTES);
        if (maxBody.bytes() > Integer.MAX_VALUE - 16 || maxInflated.bytes() > Integer.MAX_VALUE - 16) {
            s.problem("max_body_bytes and max_decompressed_bytes must be below 2GiB", "max_body_bytes",
                    "max_decompressed_bytes");
            valid = false;
        }
        String messageKey = s.get("message_key", Kind.NON_EMPTY_STRING, HttpInputConfig.DEFAULT_MESSAGE_KEY);
        int maxConnections = s.get("max_connections", Kind.integer(1, 1 << 20),
                HttpInputConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idleTimeout = s.get("idle_timeout", Kind.POSITIVE_DURATION, HttpInputConfig.DEFAULT_IDLE_TIMEOUT);
        Optional<BearerAuth> auth = BearerAuth.read(s.section("auth", BearerAuth.SECTION));
        Optional<ServerTls> tls = TlsSettings.server(s.section("tls", "a mapping with cert_file, key_file, ca_file"));
        if (common.id() == null || listen == null || !valid || auth == null || tls == null) {
            return null;
        }
        return new HttpInputConfig(common.id(), listen, path, maxBody, maxInflated, maxEvent, messageKey,
                maxConnections, idleTimeout, auth, tls, common.expectEventsEvery());
    }
}
