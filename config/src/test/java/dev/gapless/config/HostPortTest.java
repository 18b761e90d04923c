package dev.gapless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void parsesAnIpv4HostAndPort() {
        assertThat(HostPort.parse("127.0.0.1:9680")).isEqualTo(new HostPort("127.0.0.1", 9680));
    }

    @Test
    void parsesAHostName() {
        assertThat(HostPort.parse("logs.example.com:443")).isEqualTo(new HostPort("logs.example.com", 443));
    }

    @Test
    void parsesABracketedIpv6HostAndPrintsItBackInBrackets() {
        HostPort hp = HostPort.parse("[::1]:5170");

        assertThat(hp).isEqualTo(new HostPort("::1", 5170));
        assertThat(hp).hasToString("[::1]:5170");
    }

    @Test
    void acceptsTheWholePortRange() {
        assertThat(HostPort.parse("0.0.0.0:0").port()).isZero();
        assertThat(HostPort.parse("localhost:65535").port()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":80", ""})
    void refusesTextWithoutHostAndPort(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).hasMessageStartingWith("expected host:port");
    }

    @Test
    void refusesAnIpv6HostWithoutBrackets() {
        assertThatThrownBy(() -> HostPort.parse("::1:5170")).hasMessageContaining("must be in brackets");
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThatThrownBy(() -> HostPort.parse("localhost:65536")).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> HostPort.parse("localhost:-1")).hasMessageContaining("between 0 and 65535");
    }

    @Test
    void refusesAPortThatIsNoNumber() {
        assertThatThrownBy(() -> HostPort.parse("localhost:http")).hasMessageStartingWith("expected a port number");
    }

    @Test
    void refusesAnEmptyBracketedHost() {
        assertThatThrownBy(() -> HostPort.parse("[]:80")).isInstanceOf(IllegalArgumentException.class);
    }
}
