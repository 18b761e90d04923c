package dev.gapless.agent.output.loki;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.loki.LokiOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LokiSinkTest {

    static final String AGENT = "9b2f7c2e-1111-4a5b-9c3d-6f0e5a4b3c2d";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeLoki loki = new FakeLoki();
    private final List<LokiSink> sinks = new ArrayList<>();
    @TempDir
    Path dir;

    LokiSinkTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        sinks.forEach(LokiSink::close);
        loki.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static LokiOutputConfig config(URI url, List<String> labelFields, LokiOutputConfig.LineFormat format,
            Optional<String> tenant, Optional<Path> bearer, Duration timeout, int maxStreams) {
        return new LokiOutputConfig("loki", url, Map.of("job", "gapless"), labelFields, format, tenant,
                Optional.empty(), bearer, timeout, maxStreams, Optional.empty(), Codec.JSON_LINES,
                BatchConfig.DEFAULT, RetryConfig.DEFAULT);
    }

    private LokiSink sink(LokiOutputConfig c) throws Exception {
        LokiSink s = new LokiSink(c, group);
        sinks.add(s);
        return s;
    }

    private LokiSink sink(List<String> labelFields) throws Exception {
        return sink(config(loki.url(), labelFields, LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), LokiOutputConfig.DEFAULT_MAX_STREAMS));
    }

    /** One envelope as the json_lines codec writes it. */
    static String envelope(long seq, String source, String receivedAt, String message, String fields) {
        return "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"" + AGENT + "\",\"boot_id\":\"" + AGENT + "\",\"seq\":" + seq
                + ",\"host\":\"web-1\",\"source\":\"" + source + "\",\"received_at\":\"" + receivedAt
                + "\",\"event_time\":\"" + receivedAt + "\",\"message\":" + JSON.valueToTree(message)
                + ",\"fields\":" + fields + ",\"tags\":[]}\n";
    }

    static EncodedBatch batch(long first, String... envelopes) {
        byte[] b = String.join("", envelopes).getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(first, first + envelopes.length - 1, envelopes.length, b, b.length);
    }

    static Outcome send(LokiSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static long nanos(String t) {
        Instant i = Instant.parse(t);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void sendsOneBatchAtATimeWhateverMaxInFlightSaysSoThatEachStreamStaysInOrder() throws Exception {
        BatchConfig eight = new BatchConfig(BatchConfig.DEFAULT.maxEvents(), BatchConfig.DEFAULT.maxBytes(),
                BatchConfig.DEFAULT.maxWait(), 8);
        LokiSink s = sink(new LokiOutputConfig("loki", loki.url(), Map.of("job", "gapless"), List.of(),
                LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(10), LokiOutputConfig.DEFAULT_MAX_STREAMS, Optional.empty(), Codec.JSON_LINES,
                eight, RetryConfig.DEFAULT));
        assertThat(s.maxInFlight()).isEqualTo(1);
    }

    @Test
    void pushesStreamsByLabelsWithReceivedAtNanosAndSeqAsMetadata() throws Exception {
        Files.writeString(dir.resolve("token"), "s3cret\n");
        loki.requiredTenant = "team-a";
        loki.requiredAuthorization = "Bearer s3cret";
        LokiSink s = sink(config(loki.url(), List.of("source", "fields.syslog.app_name"),
                LokiOutputConfig.LineFormat.MESSAGE, Optional.of("team-a"), Optional.of(dir.resolve("token")),
                Duration.ofSeconds(10), 64));
        Outcome o = send(s, batch(7,
                envelope(7, "app", "2026-11-23T10:00:00.123456789Z", "one", "{\"syslog\":{\"app_name\":\"nginx\"}}"),
                envelope(8, "app", "2026-11-23T10:00:01Z", "two", "{}"),
                envelope(9, "sys", "2026-11-23T10:00:02Z", "three", "{\"syslog\":{\"app_name\":\"nginx\"}}")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.stream(Map.of("job", "gapless", "source", "app", "app_name", "nginx")))
                .containsExactly(new FakeLoki.Entry(nanos("2026-11-23T10:00:00.123456789Z"), "one",
                        Map.of("agent_id", AGENT, "seq", "7")));
        assertThat(loki.stream(Map.of("job", "gapless", "source", "app"))) // no app_name: no such label
                .containsExactly(new FakeLoki.Entry(nanos("2026-11-23T10:00:01Z"), "two",
                        Map.of("agent_id", AGENT, "seq", "8")));
        assertThat(loki.stream(Map.of("job", "gapless", "source", "sys", "app_name", "nginx")))
                .extracting(FakeLoki.Entry::line).containsExactly("three");
        FakeLoki.Request r = loki.requests.get(0);
        assertThat(r.path()).isEqualTo("/loki/api/v1/push");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("streams")).hasSize(3);
        assertThat(body.at("/streams/0/values/0/0").isTextual()).as("timestamps are strings").isTrue();
        assertThat(s.destination()).isEqualTo(loki.url() + "/loki/api/v1/push");
    }

    @Test
    void entriesOfOneStreamAreSortedByTimestampSoLokiTakesThemAll() throws Exception {
        LokiSink s = sink(List.of());
        // the fake, like Loki outside its window, refuses an entry older than its stream's newest
        Outcome o = send(s, batch(1,
                envelope(1, "app", "2026-11-23T10:00:05Z", "late-seq-early-time?", "{}"),
                envelope(2, "app", "2026-11-23T10:00:01Z", "b", "{}"),
                envelope(3, "app", "2026-11-23T10:00:03Z", "c", "{}")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.stream(Map.of("job", "gapless"))).extracting(FakeLoki.Entry::line)
                .containsExactly("b", "c", "late-seq-early-time?");
        JsonNode values = JSON.readTree(loki.requests.get(0).body()).at("/streams/0/values");
        assertThat(values.get(0).get(0).asText()).isEqualTo(Long.toString(nanos("2026-11-23T10:00:01Z")));
    }

    @Test
    void aBatchSentAgainMakesTheSameEntriesWhichLokiKeepsOnce() throws Exception {
        LokiSink s = sink(List.of("source"));
        EncodedBatch b = batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "x", "{}"),
                envelope(2, "app", "2026-11-23T10:00:00Z", "y", "{}"));

        assertThat(send(s, b)).isEqualTo(Outcome.DELIVERED);
        assertThat(send(s, b)).isEqualTo(Outcome.DELIVERED);

        assertThat(loki.requests).hasSize(2);
        assertThat(loki.requests.get(1).body()).isEqualTo(loki.requests.get(0).body());
        assertThat(loki.entries()).extracting(FakeLoki.Entry::line).containsExactly("x", "y");
    }

    @Test
    void labelSetsPastMaxStreamsGoToTheOverflowStreamWithTheirLabelsAsMetadata() throws Exception {
        LokiSink s = sink(config(loki.url(), List.of("source"), LokiOutputConfig.LineFormat.MESSAGE,
                Optional.empty(), Optional.empty(), Duration.ofSeconds(10), 2));
        Outcome o = send(s, batch(1, envelope(1, "a", "2026-11-23T10:00:00Z", "1", "{}"),
                envelope(2, "b", "2026-11-23T10:00:00Z", "2", "{}"),
                envelope(3, "c", "2026-11-23T10:00:00Z", "3", "{}"),
                envelope(4, "a", "2026-11-23T10:00:01Z", "4", "{}"),
                envelope(5, "d", "2026-11-23T10:00:00Z", "5", "{}")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.streams.keySet()).hasSize(3);
        assertThat(loki.stream(Map.of("job", "gapless", "source", "a"))).extracting(FakeLoki.Entry::line)
                .containsExactly("1", "4");
        assertThat(loki.stream(Map.of("job", "gapless", "gapless_overflow", "true")))
                .extracting(e -> e.line() + ":" + e.metadata().get("source"))
                .containsExactly("3:c", "5:d");
    }

    @Test
    void longLabelValuesAreCutAndStructuredValuesGiveNoLabel() throws Exception {
        LokiSink s = sink(List.of("fields.user", "fields.obj"));
        String longValue = "u".repeat(500);
        Outcome o = send(s, batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m",
                "{\"user\":\"" + longValue + "\",\"obj\":{\"a\":1}}")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.streams.keySet()).containsExactly(
                Map.of("job", "gapless", "user", "u".repeat(LokiOutputConfig.MAX_LABEL_VALUE_CHARS)));
    }

    @Test
    void lineFormatJsonSendsTheEnvelopeAndHeartbeatsAlwaysDo() throws Exception {
        LokiSink json = sink(config(loki.url(), List.of(), LokiOutputConfig.LineFormat.JSON, Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), 64));
        String e = envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{\"k\":\"v\"}");
        assertThat(send(json, batch(1, e))).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.entries().get(0).line()).isEqualTo(e.strip());

        LokiSink message = sink(List.of());
        String heartbeat = e.replace("\"kind\":\"event\"", "\"kind\":\"heartbeat\"").replace("\"seq\":1", "\"seq\":2")
                .replace("10:00:00Z", "10:00:09Z");
        assertThat(send(message, batch(2, heartbeat))).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.entries()).extracting(FakeLoki.Entry::line).contains(heartbeat.strip());
    }

    @Test
    void aRecordThatIsNotAnEnvelopeRejectsTheBatchWithoutARequest() throws Exception {
        LokiSink s = sink(List.of());
        Outcome o = send(s, batch(4, envelope(4, "app", "2026-11-23T10:00:00Z", "ok", "{}"), "not json\n"));

        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).contains("record 5 is not a JSON envelope"));
        assertThat(loki.requests).isEmpty();
        assertThat(send(s, batch(4, envelope(4, "app", "2026-11-23T10:00:00Z", "ok", "{}"))))
                .isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void refusalsOfTheEventsRejectAndTheDestinationsProblemsAreRetried() throws Exception {
        LokiSink s = sink(List.of());
        EncodedBatch b = batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{}"));

        loki.script.add(new FakeLoki.Scripted(429, "3", 0));
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
            assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3));
            assertThat(r.message()).contains("429").contains("rate limit");
        });
        for (int code : new int[] {401, 403, 404, 500, 502, 503, 504}) {
            loki.script.add(new FakeLoki.Scripted(code, null, 0));
            assertThat(send(s, b)).as("HTTP %d", code).isInstanceOf(Outcome.Retryable.class);
        }
        loki.maxLineBytes = 0; // every line too long: Loki's 400
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).contains("400").contains("line too long"));
        loki.maxLineBytes = 1024;
        loki.maxBodyBytes = 10;
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).contains("413"));
        loki.maxBodyBytes = 1 << 20;
        assertThat(send(s, b)).isEqualTo(Outcome.DELIVERED);
        assertThat(loki.entries()).hasSize(1);
    }

    @Test
    void wrongCredentialsAreRetriedNotRejected() throws Exception {
        Files.writeString(dir.resolve("token"), "wrong");
        loki.requiredAuthorization = "Bearer right";
        LokiSink s = sink(config(loki.url(), List.of(), LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(),
                Optional.of(dir.resolve("token")), Duration.ofSeconds(10), 64));

        assertThat(send(s, batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{}"))))
                .isInstanceOfSatisfying(Outcome.Retryable.class, r -> assertThat(r.message()).contains("401")
                        .doesNotContain("wrong"));
        assertThat(loki.entries()).isEmpty();
    }

    @Test
    void aSlowAnswerIsATimeoutWithinTheTimeout() throws Exception {
        LokiSink s = sink(config(loki.url(), List.of(), LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(),
                Optional.empty(), Duration.ofMillis(300), 64));
        // the classes loaded first, so that the bound measured below is the timeout's
        assertThat(send(sink(List.of()), batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{}"))))
                .isEqualTo(Outcome.DELIVERED);
        loki.script.add(new FakeLoki.Scripted(204, null, 3_000));
        long start = System.nanoTime();

        Outcome o = send(s, batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{}")));

        assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void aConnectionResetBeforeTheAnswerIsRetryableUnreachable() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket c = raw.accept()) {
                    InputStream in = c.getInputStream();
                    in.read(new byte[1024]); // part of the request
                    c.setSoLinger(true, 0); // close with a reset
                } catch (Exception ignored) {
                    // the test's assertion says what happened
                }
            });
            server.start();
            LokiSink s = sink(config(URI.create("http://127.0.0.1:" + raw.getLocalPort()), List.of(),
                    LokiOutputConfig.LineFormat.MESSAGE, Optional.empty(), Optional.empty(), Duration.ofSeconds(10),
                    64));

            Outcome o = send(s, batch(1, envelope(1, "app", "2026-11-23T10:00:00Z", "m", "{}")));

            assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                    r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE));
            server.join(5_000);
            assertThat(server.isAlive()).isFalse();
        }
    }
}
