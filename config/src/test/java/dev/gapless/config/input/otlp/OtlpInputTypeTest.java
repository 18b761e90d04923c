package dev.gapless.config.input.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.ByteSize;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.tls.ServerTls;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OtlpInputTypeTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void theShortFormBindsWithTheDefaults() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - { id: otel, type: otlp, listen: 127.0.0.1:4318 }
                outputs:
                  - {type: stdout, id: console}
                """);
        OtlpInputConfig in = (OtlpInputConfig) c.inputs().get(0);
        assertThat(in.type()).isEqualTo("otlp");
        assertThat(in.listen()).isEqualTo(OtlpInputConfig.DEFAULT_LISTEN);
        assertThat(in.maxBodyBytes()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(in.maxDecompressedBytes()).isEqualTo(ByteSize.ofMebibytes(40));
        assertThat(in.maxEventBytes()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_EVENT_BYTES);
        assertThat(in.maxConnections()).isEqualTo(OtlpInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(in.idleTimeout()).isEqualTo(OtlpInputConfig.DEFAULT_IDLE_TIMEOUT);
    }

    @Test
    void listenDefaultsToLoopbackAndTheCapsFollowEachOther() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - {id: otel, type: otlp, max_body_bytes: 1MiB}
                outputs:
                  - {type: stdout, id: console}
                """);
        OtlpInputConfig in = (OtlpInputConfig) c.inputs().get(0);
        assertThat(in.listen()).isEqualTo(new HostPort("127.0.0.1", 4318));
        assertThat(in.maxDecompressedBytes()).isEqualTo(ByteSize.ofMebibytes(4));
    }

    @Test
    void badValuesAreLocatedErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - type: otlp
                    id: otel
                    max_body_bytes: 3GiB
                    max_conections: 3
                outputs:
                  - {type: stdout, id: console}
                """));
        assertThat(e.errors()).extracting(ConfigError::message).containsExactlyInAnyOrder(
                "max_body_bytes and max_decompressed_bytes must be below 2GiB",
                "unknown key 'max_conections' (did you mean 'max_connections'?)");
    }

    @Test
    void authAndTlsBindAsTheHttpInputsDo() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - type: otlp
                    id: otel
                    auth: {token_env: OTLP_TOKEN}
                    tls: {cert_file: tls/cert.pem, key_file: tls/key.pem, ca_file: tls/ca.pem}
                outputs:
                  - {type: stdout, id: console}
                """);
        OtlpInputConfig in = (OtlpInputConfig) c.inputs().get(0);
        assertThat(in.auth()).contains(new BearerAuth(Optional.empty(), Optional.of("OTLP_TOKEN")));
        assertThat(in.tls()).contains(new ServerTls(Path.of("/etc/gapless/tls/cert.pem"),
                Path.of("/etc/gapless/tls/key.pem"), Optional.of(Path.of("/etc/gapless/tls/ca.pem"))));
        OtlpInputConfig plain = (OtlpInputConfig) parse("""
                inputs:
                  - {id: otel, type: otlp}
                outputs:
                  - {type: stdout, id: console}
                """).inputs().get(0);
        assertThat(plain.auth()).isEmpty();
        assertThat(plain.tls()).isEmpty();
    }

    @Test
    void authOrTlsLeftEmptyOrContradictoryAreLocatedErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - type: otlp
                    id: otel
                    auth: {}
                    tls: {cert_file: c.pem}
                  - type: otlp
                    id: other
                    listen: 127.0.0.1:4319
                    auth: {token_file: t, token_env: T}
                    tls: {}
                outputs:
                  - {type: stdout, id: console}
                """));
        assertThat(e.errors()).extracting(ConfigError::message).containsExactlyInAnyOrder(
                "auth needs token_file or token_env; remove auth to accept requests without a token",
                "tls needs both cert_file and key_file",
                "auth takes one of token_file and token_env, not both",
                "tls needs cert_file and key_file; remove tls to listen without it");
    }
}
