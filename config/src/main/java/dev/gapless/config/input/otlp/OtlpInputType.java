package dev.gapless.config.input.otlp;

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

/** {@code type: otlp}: OpenTelemetry logs over OTLP/HTTP (protobuf or JSON). */
public final class OtlpInputType implements InputType<OtlpInputConfig> {

    public static final String NAME = "otlp";
    public static final OtlpInputType INSTANCE = new OtlpInputType();

    private OtlpInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<OtlpInputConfig> configClass() {
        return OtlpInputConfig.class;
    }

    @Override
    public OtlpInputConfig bind(Settings s, InputCommon common) {
        HostPort listen = s.get("listen", Kind.LISTEN_ADDRESS, OtlpInputConfig.DEFAULT_LISTEN);
        ByteSize maxBody = s.get("max_body_bytes", Kind.POSITIVE_SIZE, OtlpInputConfig.DEFAULT_MAX_BODY_BYTES);
        ByteSize maxInflated = s.get("max_decompressed_bytes", Kind.POSITIVE_SIZE,
                ByteSize.ofBytes(maxBody.bytes() * OtlpInputConfig.DEFAULT_DECOMPRESSION_RATIO));
        ByteSize maxEvent = s.get("max_event_bytes", Kind.POSITIVE_SIZE, OtlpInputConfig.DEFAULT_MAX_EVENT_BYTES);
        boolean valid = true;
        if (maxBody.bytes() > Integer.MAX_VALUE - 16 || maxInflated.bytes() > Integer.MAX_VALUE - 16) {
            s.problem("max_body_bytes and max_decompressed_bytes must be below 2GiB", "max_body_bytes",
                    "max_decompressed_bytes");
            valid = false;
        }
        int maxConnections = s.get("max_connections", Kind.integer(1, 1 << 20),
                OtlpInputConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idleTimeout = s.get("idle_timeout", Kind.POSITIVE_DURATION, OtlpInputConfig.DEFAULT_IDLE_TIMEOUT);
        Optional<BearerAuth> auth = BearerAuth.read(s.section("auth", BearerAuth.SECTION));
        Optional<ServerTls> tls = TlsSettings.server(s.section("tls", "a mapping with cert_file, key_file, ca_file"));
        if (common.id() == null || listen == null || !valid || auth == null || tls == null) {
            return null;
        }
        return new OtlpInputConfig(common.id(), listen, maxBody, maxInflated, maxEvent, maxConnections, idleTimeout,
                auth, tls, common.expectEventsEvery());
    }
}
