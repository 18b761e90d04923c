package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.LineSender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
        startAgent("""
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
        try (LineSender s = new LineSender(agent.inputAddress("app.audit"), 100, 40)) {
            s.join(10_000);
            assertThat(s.done()).as("sender finished").isTrue();
            assertThat(s.failure()).isNull();
        }
        Await.until("100 lines accepted", Duration.ofSeconds(30), () -> {
            JsonNode h = agent.health();
            return h != null && h.path("inputs").path("app.audit").path("accepted").asLong() == 100;
        });
        Await.until("everything delivered to every output", Duration.ofSeconds(30), () -> {
            JsonNode h = agent.health();
            if (h == null) {
                return false;
            }
            long head = h.path("journal").path("head_seq").asLong();
            for (String id : new String[] {"local", "spare", "archive.eu"}) {
                if (h.path("outputs").path(id).path("acked_seq").asLong() < head) {
                    return false;
                }
            }
            return head >= 100;
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

    @Test
    void aMalformedPathIsABadRequestAndTheEndpointLivesOn() throws Exception {
        startAgent("""
                inputs:
                  - id: app
                    type: tcp
                    listen: 127.0.0.1:0
                outputs:
                  - id: local
                    type: file
                    path: ./data/archive/local.ndjson
                """);
        String admin = agent.adminAddress();
        int colon = admin.lastIndexOf(':');
        try (Socket socket = new Socket(admin.substring(0, colon), Integer.parseInt(admin.substring(colon + 1)))) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /health%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            assertThat(status).isEqualTo("HTTP/1.1 400 Bad Request");
        }
        assertThat(agent.get("/health").statusCode()).isEqualTo(200);
    }

    /** Starts the agent on a data_dir in the test's folder, admin on a port from the OS, and the given pipeline. */
    private void startAgent(String inputsAndOutputs) throws Exception {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, "data_dir: ./data\nadmin:\n  listen: 127.0.0.1:0\n" + inputsAndOutputs);
        agent = GaplessProcess.start(dir.resolve("data"), dir.resolve("agent.log"), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
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
