package dev.gapless.config.output.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigError;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: syslog}: its keys, their defaults, and each bad value refused where it is written. */
class SyslogOutputTypeTest {

    private static SyslogOutputConfig parse(String yaml) throws ConfigException {
        return (SyslogOutputConfig) ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of())
                .outputs().get(0);
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of()));
        assertThat(e).as("expected the config to be refused").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void bindsTheIssuesShapeWithEveryDefault() throws Exception {
        SyslogOutputConfig c = parse("""
                outputs:
                  - { id: relay, type: syslog, protocol: relp, address: 127.0.0.1:2514 }
                """);

        assertThat(c.protocol()).isEqualTo(Protocol.RELP);
        assertThat(c.address()).isEqualTo(new HostPort("127.0.0.1", 2514));
        assertThat(c.tls()).isEmpty();
        assertThat(c.facility()).isEqualTo(SyslogOutputConfig.DEFAULT_FACILITY);
        assertThat(c.severity()).isEqualTo(SyslogOutputConfig.DEFAULT_SEVERITY);
        assertThat(c.appName()).isEqualTo(SyslogOutputConfig.DEFAULT_APP_NAME);
        assertThat(c.hostname()).isEmpty();
        assertThat(c.sdId()).isEqualTo(SyslogOutputConfig.DEFAULT_SD_ID);
        assertThat(c.maxMessageBytes()).isEqualTo(SyslogOutputConfig.DEFAULT_MAX_MESSAGE_BYTES_STREAM);
        assertThat(c.window()).isEqualTo(SyslogOutputConfig.DEFAULT_WINDOW);
        assertThat(c.connectTimeout()).isEqualTo(SyslogOutputConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(c.timeout()).isEqualTo(SyslogOutputConfig.DEFAULT_TIMEOUT);
        assertThat(c.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(c.probe()).isEqualTo(new Probe.TcpConnect(new HostPort("127.0.0.1", 2514)));
        assertThat(c.sendTimeout()).contains(SyslogOutputConfig.DEFAULT_CONNECT_TIMEOUT
                .plus(SyslogOutputConfig.DEFAULT_TIMEOUT));
    }

    @Test
    void defaultsToTcpAndUdpHasItsOwnSizeAndNoProbe() throws Exception {
        SyslogOutputConfig tcp = parse("""
                outputs:
                  - { id: s, type: syslog, address: 127.0.0.1:514 }
                """);
        SyslogOutputConfig udp = parse("""
                outputs:
                  - { id: s, type: syslog, protocol: udp, address: 127.0.0.1:514 }
                """);

        assertThat(tcp.protocol()).isEqualTo(SyslogOutputConfig.DEFAULT_PROTOCOL).isEqualTo(Protocol.TCP);
        assertThat(udp.maxMessageBytes()).isEqualTo(SyslogOutputConfig.DEFAULT_MAX_MESSAGE_BYTES_UDP);
        assertThat(udp.probe()).isEqualTo(new Probe.None());
    }

    @Test
    void bindsEverySetting() throws Exception {
        SyslogOutputConfig c = parse("""
                outputs:
                  - id: siem
                    type: syslog
                    protocol: tcp
                    address: siem.example.com:6514
                    tls: { ca_file: ca.pem }
                    facility: local3
                    severity: notice
                    app_name: shipper
                    hostname: web-1
                    sd_id: origin@12345
                    max_message_bytes: 64KiB
                    window: 16
                    connect_timeout: 2s
                    timeout: 10s
                """);

        assertThat(c.tls()).isPresent();
        assertThat(c.tls().get().caFile()).contains(Path.of("/etc/gapless/ca.pem"));
        assertThat(c.facility()).isEqualTo("local3");
        assertThat(c.severity()).isEqualTo("notice");
        assertThat(c.appName()).isEqualTo("shipper");
        assertThat(c.hostname()).contains("web-1");
        assertThat(c.sdId()).isEqualTo("origin@12345");
        assertThat(c.maxMessageBytes()).isEqualTo(ByteSize.ofKibibytes(64));
        assertThat(c.window()).isEqualTo(16);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesEachBadValueWhereItIsWritten() {
        List<String> errors = errors("""
                outputs:
                  - id: s
                    type: syslog
                    protocol: udp
                    address: 127.0.0.1:514
                    tls: {}
                    facility: users
                    severity: information
                    app_name: "my app"
                    hostname: "-"
                    sd_id: gapless
                    max_message_bytes: 100KiB
                    window: 2000
                    codec: line
                """);

        assertThat(String.join("\n", errors))
                .contains("tls is for tcp and relp")
                .contains("facility must be one of kern, user")
                .contains("severity must be one of emerg")
                .contains("app_name must be 1 to 48 printable ASCII")
                .contains("hostname must be 1 to 255")
                .contains("sd_id must be <name>@<enterprise number>")
                .contains("max_message_bytes must be from 1024 to 65507 bytes over udp")
                .contains("window")
                .contains("codec must be json_lines");
        assertThat(errors).hasSizeGreaterThanOrEqualTo(9);
    }

    @Test
    void refusesAnSdIdLongerThanRfc5424Allows() {
        assertThat(String.join("\n", errors("""
                outputs:
                  - { id: s, type: syslog, address: 127.0.0.1:514, sd_id: abcdefghijklmnopqrstuvwxyz@1234567 }
                """))).contains("sd_id must be <name>@<enterprise number> (RFC 5424 §7.2.2: up to 32");
    }

    @Test
    void refusesAMissingAddressAndAnUnknownProtocol() {
        assertThat(String.join("\n", errors("""
                outputs:
                  - { id: s, type: syslog, protocol: sctp }
                """))).contains("address").contains("protocol");
    }
}
