package dev.gapless.config.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gapless.config.ByteSize;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.auth.BearerAuth;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpInputTypeTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void bindsItsKeysWithTheInflationCapFollowingTheBodyCap() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - type: http
                    id: web
                    listen: 127.0.0.1:0
                    path: /v1/logs
                    max_body_bytes: 1MiB
                    message_key: msg
                    auth: {token_file: secrets/token}
                    tls: {cert_file: tls/cert.pem, key_file: tls/key.pem, ca_file: tls/ca.pem}
                outputs:
                  - {type: stdout, id: console}
                """);
        HttpInputConfig in = (HttpInputConfig) c.inputs().get(0);
        assertThat(in.type()).isEqualTo("http");
        assertThat(in.path()).isEqualTo("/v1/logs");
        assertThat(in.maxDecompressedBytes()).isEqualTo(ByteSize.ofMebibytes(4));
        assertThat(in.messageKey()).isEqualTo("msg");
        assertThat(in.auth()).contains(new BearerAuth(Optional.of(Path.of("/etc/gapless/secrets/token")),
                Optional.empty()));
        assertThat(in.tls().get().caFile()).contains(Path.of("/etc/gapless/tls/ca.pem"));
    }

    @Test
    void contradictionsAreLocatedErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - type: http
                    id: web
                    listen: 127.0.0.1:0
                    path: ingest
                    auth: {token_file: t, token_env: T}
                    tls: {cert_file: c.pem}
                    max_body_bytes: 10MB
                    max_body_byte: 1MiB
                outputs:
                  - {type: stdout, id: console}
                """));
        assertThat(e.errors()).extracting(ConfigError::message).containsExactlyInAnyOrder(
                "path must start with '/', got 'ingest'",
                "auth takes one of token_file and token_env, not both",
                "tls needs both cert_file and key_file",
                "unknown key 'max_body_byte' (did you mean 'max_body_bytes'?)");
    }

    @Test
    void anAuthOrTlsSectionLeftEmptyIsAnErrorNotAnOpenDoor() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - type: http
                    id: web
                    listen: 127.0.0.1:0
                    auth: {}
                    tls:
                outputs:
                  - {type: stdout, id: console}
                """));
        assertThat(e.errors()).extracting(ConfigError::line, ConfigError::message).containsExactlyInAnyOrder(
                tuple(5, "auth needs token_file or token_env; remove auth to accept requests without a token"),
                tuple(6, "tls needs cert_file and key_file; remove tls to listen without it"));
    }
}
