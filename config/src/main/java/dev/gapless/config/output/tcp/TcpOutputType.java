package dev.gapless.config.output.tcp;

import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.plugin.Kind;
import dev.gapless.config.plugin.OutputCommon;
import dev.gapless.config.plugin.OutputType;
import dev.gapless.config.plugin.Settings;
import java.time.Duration;

/** {@code type: tcp}: newline-delimited events to a TCP peer. */
public final class TcpOutputType implements OutputType<TcpOutputConfig> {

    public static final String NAME = "tcp";
    public static final TcpOutputType INSTANCE = new TcpOutputType();

    private TcpOutputType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<TcpOutputConfig> configClass() {
        return TcpOutputConfig.class;
    }

    @Override
    public Codec defaultCodec() {
        return TcpOutputConfig.DEFAULT_CODEC;
    }

    @Override
    public TcpOutputConfig bind(Settings s, OutputCommon c) {
        HostPort address = s.required("address", Kind.CONNECT_ADDRESS);
        Duration connectTimeout = s.get("connect_timeout", Kind.POSITIVE_DURATION,
                TcpOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration writeTimeout = s.get("write_timeout", Kind.POSITIVE_DURATION, TcpOutputConfig.DEFAULT_WRITE_TIMEOUT);
        if (c.id() == null || address == null) {
            return null;
        }
        return new TcpOutputConfig(c.id(), address, c.codec(), connectTimeout, writeTimeout, c.batch(), c.retry());
    }
}
