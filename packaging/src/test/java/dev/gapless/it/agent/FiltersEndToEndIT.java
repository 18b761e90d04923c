package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter chain and routing through the real agent: raw syslog, Apache combined and nginx error lines in over
 * TCP, parsed by grok, dated, converted, redacted and routed; the exact structured events out (a golden file), and
 * each routed stream audited complete. One agent for the class.
 */
class FiltersEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What varies from run to run and says nothing about the filters: ids, the host, the receive time, the seq. */
    private static final List<String> VOLATILE = List.of("agent_id", "boot_id", "host", "received_at", "seq");

    private static final List<String> WEB = List.of(
            "203.0.113.9 - ann [23/Nov/2026:10:15:32 +0100] \"GET /shop/cart?id=7 HTTP/1.1\" 200 5120"
                    + " \"https://example.com/shop\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            "198.51.100.23 - - [23/Nov/2026:10:15:33 +0100] \"POST /api/login HTTP/1.1\" 503 -"
                    + " \"-\" \"curl/8.5.0\"",
            "2001:db8::1 - - [23/Nov/2026:10:15:34 +0100] \"HEAD /healthz HTTP/1.1\" 200 0 \"-\" \"probe/1.0\"",
            "not an access log line");
    private static final List<String> NGINX = List.of(
            "2026/11/23 10:16:01 [error] 1234#1234: *56 open() \"/srv/www/favicon.ico\" failed (2: No such file or"
                    + " directory), client: 192.0.2.44, server: example.com, request: \"GET /favicon.ico HTTP/1.1\","
                    + " host: \"example.com\"");
    private static final List<String> SYS = List.of(
            "2026-11-23T10:17:05.250+00:00 web-1 sshd[4242]: Accepted publickey for ann from 10.0.0.5 port 51234",
            "2026-11-23T10:17:06.000+00:00 web-1 app[77]: user bob@example.com paid with 4111 1111 1111 1111");

    @TempDir
    static Path dir;
    private static GaplessProcess agent;
    private static String metrics;

    @BeforeAll
    static void runTheAgent() throws Exception {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                heartbeat_interval: 1h
                admin:
                  listen: 127.0.0.1:0
                journal:
                  durability: batch
                  max_size: 64MiB
                  min_free: 16MiB
                  segment_size: 8MiB
                inputs:
                  - {id: web, type: tcp, listen: 127.0.0.1:0}
                  - {id: nginx, type: tcp, listen: 127.0.0.1:0}
                  - {id: sys, type: tcp, listen: 127.0.0.1:0}
                filters:
                  - type: redact
                    field: message
                    rules: [email, credit_card]
                  - type: grok
                    id: access
                    pattern: '%{COMBINEDAPACHELOG}'
                    when: 'source == "web"'
                  - type: drop
                    id: no_probes
                    when: 'fields.verb == "HEAD"'
                  - type: date
                    field: fields.timestamp
                    formats: ['dd/MMM/yyyy:HH:mm:ss Z']
                    when: 'source == "web" && exists(fields.timestamp)'
                  - type: mutate
                    convert: {fields.response: integer, fields.bytes: integer}
                    when: 'source == "web"'
                  - type: grok
                    id: nginx_errors
                    pattern: '%{NGINX_ERRORLOG}'
                    when: 'source == "nginx"'
                  - type: grok
                    id: syslog
                    pattern: '%{TIMESTAMP_ISO8601:timestamp} %{SYSLOGHOST:logsource} %{SYSLOGPROG}: %{GREEDYDATA:text}'
                    when: 'source == "sys"'
                  - type: date
                    field: fields.timestamp
                    formats: [ISO8601]
                    when: 'source == "sys"'
                  - type: date
                    field: fields.timestamp
                    formats: ['yyyy/MM/dd HH:mm:ss']
                    timezone: UTC
                    when: 'source == "nginx"'
                outputs:
                  - {id: all, type: file, path: ./all/events.ndjson}
                  - id: problems
                    type: file
                    path: ./problems/events.ndjson
                    when: 'fields.response >= 500 || source == "nginx" || "_grokparsefailure" in tags'
                """);
        agent = GaplessProcess.start(dir.resolve("data"), dir.resolve("agent.log"), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
        // One input after the other, each taken before the next, so the journal's order is the order sent.
        send("web", WEB);
        send("nginx", NGINX);
        send("sys", SYS);
        Await.until("everything delivered to both outputs", Duration.ofSeconds(30),
                () -> backlog("all") == 0 && backlog("problems") == 0);
        metrics = agent.get("/metrics/prometheus").body();
        agent.stop(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private static void send(String input, List<String> lines) throws Exception {
        long before = accepted(input);
        String[] hostPort = agent.inputAddress(input).split(":(?=[0-9]+$)");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            OutputStream out = s.getOutputStream();
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            long dropped = input.equals("web") ? 1 : 0; // the HEAD probe
            Await.until(input + " taken", Duration.ofSeconds(30),
                    () -> accepted(input) >= before + lines.size() - dropped);
        }
    }

    private static long accepted(String input) {
        JsonNode h = agent.health();
        return h == null ? 0 : h.path("inputs").path(input).path("accepted").asLong();
    }

    private static long backlog(String output) {
        JsonNode h = agent.health();
        return h == null ? Long.MAX_VALUE : h.path("outputs").path(output).path("backlog_events").asLong();
    }

    /** The events of one output, in seq order, without what varies from run to run. */
    private static List<String> events(String output) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve(output)).sorted()) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    ObjectNode e = (ObjectNode) JSON.readTree(line);
                    if (!e.path("kind").asText().equals("event")) {
                        continue;
                    }
                    if (e.path("event_time").equals(e.path("received_at"))) {
                        e.put("event_time", "(the receive time)"); // no date filter read one
                    }
                    VOLATILE.forEach(e::remove);
                    if (!e.path("source").asText().equals("web") && !e.path("source").asText().equals("sys")
                            && !e.path("source").asText().equals("nginx")) {
                        continue;
                    }
                    out.add(JSON.writeValueAsString(e));
                }
            }
        }
        return out;
    }

    private static List<String> golden(String name) throws Exception {
        try (InputStream in = FiltersEndToEndIT.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void everyLineComesOutAsTheExactStructuredEvent() throws Exception {
        List<String> all = events("all");
        if (Boolean.getBoolean("gapless.regenerate")) {
            Path to = Path.of("src/test/resources/golden/filters-all.ndjson");
            Files.createDirectories(to.getParent());
            Files.writeString(to, String.join("\n", all) + "\n");
        }
        assertThat(all).containsExactlyElementsOf(golden("filters-all.ndjson"));
    }

    @Test
    void theRoutedOutputCarriesOnlyItsEventsAndSkipsTheRestAudibly() throws Exception {
        List<String> problems = events("problems");
        List<String> expected = golden("filters-all.ndjson").stream()
                .filter(l -> l.contains("\"response\":503") || l.contains("\"source\":\"nginx\"")
                        || l.contains("_grokparsefailure"))
                .toList();
        assertThat(problems).containsExactlyElementsOf(expected);
        assertThat(Files.readString(dir.resolve("problems/events.ndjson"))).contains("\"kind\":\"skipped\"");
    }

    @Test
    void whatTheFiltersDidIsCountedPerFilter() {
        assertThat(metrics).contains("gapless_filter_dropped{filter=\"no_probes\"} 1")
                .contains("gapless_filter_failures{filter=\"access\"} 1")
                .contains("gapless_filter_events{filter=\"access\"} 4")
                .contains("gapless_filter_rule_matches_total{filter=\"redact_1\",rule=\"email\"} 1.0")
                .contains("gapless_filter_rule_matches_total{filter=\"redact_1\",rule=\"credit_card\"} 1.0");
    }

    @Test
    void eachRoutedStreamAuditsComplete() throws Exception {
        for (String output : List.of("all", "problems")) {
            Path report = dir.resolve("audit-" + output + ".txt");
            Process p = new ProcessBuilder(GaplessProcess.home().resolve("bin/gapless").toString(), "audit",
                    dir.resolve(output).toString()).redirectErrorStream(true).redirectOutput(report.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = Files.readString(report);
            assertThat(p.exitValue()).as(text).isZero();
            assertThat(text).contains("COMPLETE");
        }
    }
}
