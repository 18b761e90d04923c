package dev.gapless.config.input.tcp;

import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.plugin.InputCommon;
import dev.gapless.config.plugin.InputType;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.Settings;
import java.time.Duration;

/** {@code type: tcp}: newline-delimited lines on a TCP listener. */
public final class TcpInputType implements InputType<TcpInputConfig> {

    public static final String NAME = "tcp";
    public static final TcpInputType INSTANCE = new TcpInputType();

    private TcpInputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<TcpInputConfig> configClass() {
        return TcpInputConfig.class;
    }

    @Override
    public TcpInputConfig bind(Settings s, InputCommon common) {
        HostPort listen = s.required("listen", Kind.LISTEN_ADDRESS);
        ByteSize maxLineBytes = s.get("max_line_bytes", Kind.POSITIVE_SIZE, TcpInputConfig.DEFAULT_MAX_LINE_BYTES);
        int maxConnections = s.get("max_connections", Kind.integer(1, Integer.MAX_VALUE),
                TcpInputConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idleTimeout = s.get("idle_timeout", Kind.POSITIVE_DURATION, TcpInputConfig.DEFAULT_IDLE_TIMEOUT);
        if (common.id() == null || listen == null) {
            return null;
        }
        return new TcpInputConfig(common.id(), listen, maxLineBytes, maxConnections, idleTimeout,
                common.expectEventsEvery());
    }
}
