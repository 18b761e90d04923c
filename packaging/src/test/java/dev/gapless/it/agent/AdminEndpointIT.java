package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.LineSender;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint of a running agent with two inputs and three outputs (one id holding a dot): /health,
 * /metrics and /metrics/prometheus all answer, and Prometheus gets one family per figure with the ids as labels.
 */
class AdminEndpointIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GaplessProcess agent;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void everyEndpointAnswersWithSeveralInputsAndOutputs() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: app
                    type: tcp
                    listen: 127.0.0.1:0
                  - id: app.audit
                    type: tcp
                    listen: 127.0.0.1:0
                outputs:
                  - id: local
                    type: file
                    path: ./data/archive/local.ndjson
                  - id: spare
                    type: file
                    path: ./data/archive/spare.ndjson
                  - id: archive.eu
                    type: file
                    path: ./data/archive/eu.ndjson
                """);
        agent = GaplessProcess.start(data, dir.resolve("agent.log"), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
        try (LineSender s = new LineSender(agent.inputAddress("app.audit"), 100, 40)) {
            s.join(10_000);
        }
        Await.until("100 lines delivered to every output", Duration.ofSeconds(30), () -> {
            JsonNode h = agent.health();
            return h != null && h.path("outputs").path("local").path("acked_seq").asLong() >= 100
                    && h.path("outputs").path("spare").path("acked_seq").asLong() >= 100
                    && h.path("outputs").path("archive.eu").path("acked_seq").asLong() >= 100;
        });

        HttpResponse<String> prom = agent.get("/metrics/prometheus");
        assertThat(prom.statusCode()).as(prom.body()).isEqualTo(200);
        String text = prom.body();
        assertThat(count(text, "# TYPE gapless_output_acked_seq gauge")).as("one family for all outputs").isEqualTo(1);
        assertThat(value(text, "gapless_output_acked_seq{output=\"local\"}")).isGreaterThanOrEqualTo(100);
        assertThat(value(text, "gapless_output_acked_seq{output=\"spare\"}")).isGreaterThanOrEqualTo(100);
        assertThat(value(text, "gapless_output_acked_seq{output=\"archive.eu\"}")).isGreaterThanOrEqualTo(100);
        assertThat(value(text, "gapless_input_accepted{input=\"app.audit\"}")).isEqualTo(100);
        assertThat(value(text, "gapless_input_accepted{input=\"app\"}")).isZero();
        assertThat(text).contains("gapless_journal_head_seq ").contains("gapless_journal_force_seconds_count");

        HttpResponse<String> json = agent.get("/metrics");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(json.body()).path("gauges").path("gapless.output.archive.eu.acked_seq")
                .path("value").asLong()).isGreaterThanOrEqualTo(100);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("series %s in:%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
