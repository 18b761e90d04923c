package dev.gapless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.load.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * min_free against the file system at start: the default is the smaller of 1 GiB and 5 % of the file system (so a
 * 96 MiB one takes events), and a min_free above the free space is a WARN at start, a warning from validate (exit 0)
 * and {@code degraded: min_free} in /health. The 96 MiB tmpfs needs root (CI runs as root); those tests are skipped
 * otherwise.
 */
class MinFreeAtStartTest {

    static final long MiB = 1L << 20;

    @TempDir
    Path tmp;
    private Tmpfs mount;
    private Agent agent;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger agentLog = (Logger) LoggerFactory.getLogger(Agent.class);

    @AfterEach
    void tearDown() throws Exception {
        agentLog.detachAppender(logged);
        if (agent != null) {
            agent.close();
        }
        if (mount != null) {
            mount.close();
        }
    }

    private GaplessConfig config(Path base, String journal) throws Exception {
        return ConfigLoader.parse("""
                data_dir: ./data
                journal: %s
                admin: { listen: 127.0.0.1:0 }
                inputs:
                  - { id: app, type: tcp, listen: 127.0.0.1:0 }
                outputs:
                  - { id: local, type: file, path: %s }
                """.formatted(journal, tmp.resolve("out/events.ndjson")), "test.yaml", base, Map.of());
    }

    private Agent start(GaplessConfig config) throws Exception {
        logged.start();
        agentLog.addAppender(logged);
        agent = new Agent(config, Clock.systemUTC(), Failpoints.none());
        agent.start();
        return agent;
    }

    @Test
    void unsetMinFreeOnA96MiBFileSystemIsFivePercentOfItAndEventsAreTaken() throws Exception {
        Path fs = mountTmpfs("96m");
        Agent a = start(config(fs, "{ max_size: 64MiB, segment_size: 4MiB }"));

        assertThat(a.journal().minFree()).isEqualTo(ByteSize.ofBytes(96 * MiB * 5 / 100));
        // under the old default (1 GiB) this append was refused: FULL_MIN_FREE, 0 events accepted, for good
        assertThat(a.journal().append(TestBatches.of(event("taken"))).appended()).isTrue();
        assertThat(health(a).path("status").asText()).isEqualTo("ok");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void minFreeAboveTheFreeSpaceWarnsAtStartAndHealthSaysMinFree() throws Exception {
        Path fs = mountTmpfs("96m");
        Agent a = start(config(fs, "{ max_size: 64MiB, min_free: 1GiB, segment_size: 4MiB }"));

        assertThat(warnings()).singleElement().asString()
                .contains("journal.min_free 1GiB is more than the").contains("free on the file system of")
                .contains("(96.0MiB)");
        JsonNode h = health(a);
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(h.path("degraded").get(0).path("reason").asText()).isEqualTo("min_free");
        assertThat(h.path("degraded").get(0).path("detail").asText()).contains("min_free is 1GiB");
        assertThat(a.journal().append(TestBatches.of(event("refused"))).appended()).isFalse();
    }

    @Test
    void validateWarnsWhenMinFreeIsAboveTheFreeSpaceAndStillExitsZero() throws Exception {
        Files.createDirectories(tmp.resolve("data"));
        Path file = Files.writeString(tmp.resolve("gapless.yaml"),
                "data_dir: ./data\njournal: { min_free: 1000000TiB }\n");
        String[] out = new String[2];
        int code = validate(file, out);
        assertThat(code).isZero();
        assertThat(out[0]).contains(": ok (");
        assertThat(out[1]).contains(file + ": warning: journal.min_free 1000000TiB is more than the")
                .contains("/health reports degraded (min_free)");

        Path missing = Files.writeString(tmp.resolve("later.yaml"),
                "data_dir: ./not-yet\njournal: { min_free: 1000000TiB }\n");
        assertThat(validate(missing, out)).isZero();
        assertThat(out[1]).as("no data_dir yet: nothing to measure").doesNotContain("warning");
    }

    private static int validate(Path file, String[] out) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new Main()).execute("validate", "--config", file.toString());
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            out[0] = o.toString(StandardCharsets.UTF_8);
            out[1] = e.toString(StandardCharsets.UTF_8);
        }
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage()
                .contains("min_free"))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static JsonNode health(Agent a) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + a.adminAddress() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static Event event(String text) {
        return Event.line("app", -1, 0, text.getBytes(StandardCharsets.UTF_8), 0);
    }

    private Path mountTmpfs(String size) throws Exception {
        mount = Tmpfs.mount(tmp, size);
        return mount.path();
    }
}
