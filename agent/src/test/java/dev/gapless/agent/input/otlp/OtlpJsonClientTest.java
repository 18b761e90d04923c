package dev.gapless.agent.input.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry JavaScript SDK's OTLP/HTTP log exporter (OTLP/JSON) under the machine's Node.js sends to a real
 * otlp input; its records are read back from the journal. The exporter is installed by {@code .ci/run} under
 * {@code agent/target/otlp-js} from {@code src/test/js/package-lock.json}; without node or it, the test is skipped.
 */
class OtlpJsonClientTest {

    private static final Path MODULES = Path.of("target/otlp-js/node_modules");
    private static final Path SCRIPT = Path.of("src/test/js/send-logs.js");

    @TempDir
    Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Journal journal;
    private OtlpInput input;
    private Process node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (input != null) {
            input.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void theJavaScriptExporterSendsOtlpJsonThatReadsBackWithHexIdsAndFields() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(MODULES.resolve("@opentelemetry/exporter-logs-otlp-http")),
                "the OpenTelemetry JS exporter is not installed under " + MODULES.toAbsolutePath()
                        + ": .ci/run installs it (npm ci --prefix agent/target/otlp-js); skipping the OTLP/JSON client"
                        + " test");
        Assumptions.assumeTrue(onPath("node"), "node is not on the PATH; skipping the OTLP/JSON client test");
        journal = TestJournals.open(dir.resolve("journal"));
        OtlpInputConfig config = new OtlpInputConfig("otel", new HostPort("127.0.0.1", 0),
                OtlpInputConfig.DEFAULT_MAX_BODY_BYTES, OtlpInputConfig.DEFAULT_MAX_BODY_BYTES,
                OtlpInputConfig.DEFAULT_MAX_EVENT_BYTES, 16, Duration.ofSeconds(30), Optional.empty(), Optional.empty(),
                Optional.empty());
        input = new OtlpInput(config, new JournalIngest(journal, Clock.systemUTC()), loops, loops,
                Clock.systemUTC());
        input.start();

        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toAbsolutePath().toString(),
                "http://" + input.boundAddress() + OtlpInputConfig.PATH).redirectErrorStream(true);
        pb.environment().put("NODE_PATH", MODULES.toAbsolutePath().toString());
        node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        assertThat(out).contains("export success").doesNotContain("failed");

        // The simple processor exports each record on its own, concurrently: put them in a known order.
        List<JournalRecord> records = new ArrayList<>(TestJournals.readAll(journal, 0, journal.headSeq()));
        List<String> order = List.of("order 17 placed", "{\"cart\":[\"a\",\"b\"],\"n\":2}", "no context");
        records.sort(Comparator.comparing((JournalRecord r) -> order.indexOf(new String(r.message(),
                StandardCharsets.UTF_8))));
        assertThat(records).extracting(r -> new String(r.message(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(order);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(records.get(0).extra()).get("otlp");
        assertThat(first.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(first.get("span_id").asText()).isEqualTo("b7ad6b7169203331");
        assertThat(first.get("severity_number").asInt()).isEqualTo(13);
        assertThat(first.get("severity_text").asText()).isEqualTo("WARN");
        assertThat(first.get("attributes").toString())
                .isEqualTo("{\"order.id\":17,\"order.paid\":true,\"order.total\":12.5}");
        assertThat(first.get("resource").get("service.name").asText()).isEqualTo("js-shop");
        assertThat(first.get("scope").toString()).isEqualTo("{\"name\":\"js-scope\",\"version\":\"0.9.1\"}");
        Instant at = Instant.parse("2026-11-23T10:00:00.123Z");
        assertThat(records.get(0).eventTimeNanos()).isEqualTo(at.getEpochSecond() * 1_000_000_000L + at.getNano());
        JsonNode third = json.readTree(records.get(2).extra()).get("otlp");
        assertThat(third.get("attributes").toString()).isEqualTo("{\"tags\":[\"x\",\"y\"]}");
        assertThat(third.has("trace_id")).isFalse();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
