package dev.gapless.config.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.config.Codec;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.Probe;
import dev.gapless.config.load.ConfigException;
import dev.gapless.config.load.ConfigLoader;
import dev.gapless.config.output.stdout.StdoutOutputConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry: every type reachable by its name, and a type's section bound by its descriptor alone. */
class RegistryTest {

    private static GaplessConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "gapless.yaml", Path.of("/etc/gapless"), Map.of());
    }

    @Test
    void everyTypeIsFoundByItsOwnNameAndBindsItsOwnRecord() {
        for (InputType<?> t : Registry.inputs()) {
            assertThat(Registry.input(t.name())).containsSame(t);
            assertThat(t.name()).matches("[a-z][a-z0-9_]*");
            assertThat(t.configClass().getPackageName()).isEqualTo(t.getClass().getPackageName());
        }
        for (OutputType<?> t : Registry.outputs()) {
            assertThat(Registry.output(t.name())).containsSame(t);
            assertThat(t.name()).matches("[a-z][a-z0-9_]*");
            assertThat(t.configClass().getPackageName()).isEqualTo(t.getClass().getPackageName());
        }
        assertThat(Registry.inputNames()).hasSameSizeAs(Registry.inputs());
        assertThat(Registry.outputNames()).hasSameSizeAs(Registry.outputs());
        assertThat(Registry.input("kafka")).isEmpty();
    }

    @Test
    void aTypeWithNoSettingsOfItsOwnGetsTheCommonOnesAndItsDefaultCodecAndRefusesAnyOther() throws Exception {
        OutputConfig out = parse("""
                outputs:
                  - {type: stdout, id: console, batch: {max_events: 10}}
                """).outputs().get(0);

        assertThat(out).isInstanceOf(StdoutOutputConfig.class);
        assertThat(out.type()).isEqualTo("stdout");
        assertThat(out.codec()).isEqualTo(Codec.JSON_LINES);
        assertThat(out.batch().maxEvents()).isEqualTo(10);
        assertThat(out.probe()).isEqualTo(new Probe.None());
        assertThat(out.sendTimeout()).isEmpty();

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                outputs:
                  - {type: stdout, id: console, path: /tmp/x, codec: line}
                """));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("outputs[0].path");
            assertThat(err.message()).startsWith("unknown key 'path'");
        });
    }

    @Test
    void eachOutputSaysHowTheWatchdogProbesItsDestinationAsData() throws Exception {
        GaplessConfig c = parse("""
                outputs:
                  - {type: http, id: a, url: 'https://logs.example.com/in', timeout: 7s}
                  - {type: http, id: b, url: 'http://[::1]:8080/in', health_url: 'http://[::1]:8080/health'}
                  - {type: tcp, id: c, address: '127.0.0.1:5170'}
                  - {type: file, id: d, path: /var/lib/gapless/out.ndjson}
                """);

        assertThat(c.outputs()).extracting(OutputConfig::probe).containsExactly(
                new Probe.TcpConnect(new HostPort("logs.example.com", 443)),
                new Probe.HttpGet(URI.create("http://[::1]:8080/health")),
                new Probe.TcpConnect(new HostPort("127.0.0.1", 5170)),
                new Probe.DirWritable(Path.of("/var/lib/gapless")));
        assertThat(c.outputs().get(0).sendTimeout()).contains(Duration.ofSeconds(7));
        assertThat(c.outputs().get(2).sendTimeout()).as("connect_timeout + write_timeout")
                .contains(Duration.ofSeconds(35));
        assertThat(c.outputs().get(3).sendTimeout()).isEmpty();
    }

    @Test
    void theLongestEventOfAnInputIsItsMaxLineBytes() throws Exception {
        GaplessConfig c = parse("""
                inputs:
                  - {type: tcp, id: a, listen: '127.0.0.1:0', max_line_bytes: 4MiB}
                  - {type: file, id: b, path: /var/log/x.log}
                """);

        assertThat(c.inputs().get(0).maxEventBytes().bytes()).isEqualTo(4L << 20);
        assertThat(c.inputs().get(1).maxEventBytes().bytes()).isEqualTo(1L << 20);
    }
}
