package dev.gapless.watchdog.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.OutputConfig;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.stdout.StdoutOutputConfig;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The watchdog's second opinion goes on for every struggling output when one output's probe cannot be had. */
class StrugglingDestinationsTest {

    private static final AgentHealth.Journal JOURNAL = new AgentHealth.Journal(100, 100, 0, 1024, false, null);

    @Test
    void aProbeThatThrowsOrIsMissingLeavesOnlyThatOutputUnprobed() {
        Map<String, OutputConfig> outputs = new LinkedHashMap<>();
        for (String id : List.of("throws", "unprobed", "fine", "idle")) {
            outputs.put(id, new TcpOutputConfig(id, new HostPort("127.0.0.1", 1), Codec.JSON_LINES,
                    Duration.ofSeconds(1), Duration.ofSeconds(1), BatchConfig.DEFAULT, RetryConfig.DEFAULT));
        }
        Map<String, AgentHealth.Output> seen = new LinkedHashMap<>();
        seen.put("throws", failing());
        seen.put("unprobed", failing());
        seen.put("fine", failing());
        seen.put("idle", new AgentHealth.Output("tcp", "x", 100, 100, 0, 0, null, null, null, 0, null, null));
        AgentHealth health = new AgentHealth("ok", 1L, "a", "b", 1000, 1000, JOURNAL, Map.of(), seen);
        List<String> probed = new ArrayList<>();
        Set<String> warned = new HashSet<>();

        Map<String, DestinationStatus> dests = DestinationProbe.struggling(health, outputs, oc -> {
            probed.add(oc.id());
            return switch (oc.id()) {
                case "throws" -> throw new IllegalStateException("a bug in one probe");
                case "unprobed" -> Optional.empty(); // a type with no probe
                default -> Optional.of(new DestinationStatus(false, "tcp 127.0.0.1:1: Connection refused"));
            };
        }, warned);

        assertThat(probed).containsExactlyInAnyOrder("throws", "unprobed", "fine");
        assertThat(dests).containsOnlyKeys("fine");
        assertThat(warned).containsExactlyInAnyOrder("throws", "unprobed");
        // Logged once: the next round probes again, warns no more.
        Map<String, DestinationStatus> again = DestinationProbe.struggling(health, outputs, oc -> {
            if (oc.id().equals("throws")) {
                throw new IllegalStateException("again");
            }
            return Optional.of(new DestinationStatus(true, "tcp 127.0.0.1:1 connected"));
        }, warned);
        assertThat(again).containsOnlyKeys("unprobed", "fine");
        assertThat(warned).containsExactlyInAnyOrder("throws", "unprobed");
    }

    @Test
    void theRealProbeRunsTheCheckEachRecordNamesAndSkipsADestinationWithNone() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nobody listens there once it is closed
        }
        Map<String, OutputConfig> outputs = new LinkedHashMap<>();
        outputs.put("console", new StdoutOutputConfig("console", Codec.JSON_LINES, BatchConfig.DEFAULT,
                RetryConfig.DEFAULT));
        outputs.put("peer", new TcpOutputConfig("peer", new HostPort("127.0.0.1", closed), Codec.JSON_LINES,
                Duration.ofSeconds(1), Duration.ofSeconds(1), BatchConfig.DEFAULT, RetryConfig.DEFAULT));
        Map<String, AgentHealth.Output> seen = new LinkedHashMap<>();
        seen.put("console", failing());
        seen.put("peer", failing());
        AgentHealth health = new AgentHealth("ok", 1L, "a", "b", 1000, 1000, JOURNAL, Map.of(), seen);
        Set<String> warned = new HashSet<>();

        Map<String, DestinationStatus> dests = DestinationProbe.struggling(health, outputs,
                new DestinationProbe(Duration.ofSeconds(2))::probe, warned);

        assertThat(dests).containsOnlyKeys("peer");
        assertThat(dests.get("peer").reachable()).isFalse();
        assertThat(warned).containsExactly("console");
    }

    private static AgentHealth.Output failing() {
        return new AgentHealth.Output("tcp", "127.0.0.1:1", 50, 100, 50, 5000, null, 900L, null, 3, "refused",
                "unreachable");
    }
}
