package dev.gapless.config.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyslogInputTypeTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void bindsEverySettingAndDefaultsTheRest() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - {id: syslog, type: syslog, protocol: udp, listen: 127.0.0.1:5514, max_line_bytes: 8KiB,
                     timezone: Europe/Paris, max_connections: 3, idle_timeout: 1m}
                  - {id: s2, type: syslog, listen: 127.0.0.1:5515}
                """);
        SyslogInputConfig a = (SyslogInputConfig) c.inputs().get(0);
        assertThat(a.protocol()).isEqualTo(Protocol.UDP);
        assertThat(a.listen()).isEqualTo(new HostPort("127.0.0.1", 5514));
        assertThat(a.maxLineBytes().bytes()).isEqualTo(8192);
        assertThat(a.timezone()).contains(ZoneId.of("Europe/Paris"));
        assertThat(a.maxConnections()).isEqualTo(3);
        assertThat(a.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.maxEventBytes().bytes()).isEqualTo(8192L * 8 + SyslogInputConfig.FIELDS_OVERHEAD);

        SyslogInputConfig b = (SyslogInputConfig) c.inputs().get(1);
        assertThat(b.type()).isEqualTo("syslog");
        assertThat(b.protocol()).isEqualTo(SyslogInputConfig.DEFAULT_PROTOCOL);
        assertThat(b.maxLineBytes()).isEqualTo(SyslogInputConfig.DEFAULT_MAX_LINE_BYTES);
        assertThat(b.maxConnections()).isEqualTo(SyslogInputConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(b.idleTimeout()).isEqualTo(SyslogInputConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(b.timezone()).isEmpty();
    }

    @Test
    void relpAndTlsBindAndAnUnknownProtocolIsRefused() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - {id: a, type: syslog, protocol: relp, listen: 127.0.0.1:2514}
                  - {id: b, type: syslog, protocol: tcp, listen: 127.0.0.1:6514,
                     tls: {cert_file: /etc/gapless/s.pem, key_file: /etc/gapless/s.key, ca_file: /etc/gapless/ca.pem}}
                """);
        SyslogInputConfig a = (SyslogInputConfig) c.inputs().get(0);
        assertThat(a.protocol()).isEqualTo(Protocol.RELP);
        assertThat(a.tls()).isEmpty();
        SyslogInputConfig b = (SyslogInputConfig) c.inputs().get(1);
        assertThat(b.tls()).hasValueSatisfying(t -> {
            assertThat(t.certFile()).isEqualTo(Path.of("/etc/gapless/s.pem"));
            assertThat(t.caFile()).contains(Path.of("/etc/gapless/ca.pem"));
        });

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                inputs:
                  - {id: a, type: syslog, protocol: udp, listen: 127.0.0.1:5514,
                     tls: {cert_file: /etc/gapless/s.pem, key_file: /etc/gapless/s.key}}
                  - {id: b, type: syslog, protocol: tpc, listen: 127.0.0.1:5515}
                  - {id: c, type: syslog, listen: 127.0.0.1:5516, timezone: Mars/Olympus}
                  - {id: d, type: syslog, protocol: relp, listen: 127.0.0.1:5517, tls: {cert_file: /x.pem}}
                """));
        assertThat(e.errors()).hasSize(4);
        assertThat(e.errors().get(0).path()).isEqualTo("inputs[0].tls");
        assertThat(e.errors().get(0).message()).contains("tls is for protocol tcp or relp");
        assertThat(e.errors().get(1).path()).isEqualTo("inputs[1].protocol");
        assertThat(e.errors().get(1).message()).isEqualTo("unknown protocol 'tpc': expected tcp, udp or relp");
        assertThat(e.errors().get(2).path()).isEqualTo("inputs[2].timezone");
        assertThat(e.errors().get(2).message()).startsWith("unknown timezone 'Mars/Olympus'");
        assertThat(e.errors().get(3).path()).startsWith("inputs[3].tls");
        assertThat(e.errors().get(3).message()).contains("cert_file and key_file");
    }
}
