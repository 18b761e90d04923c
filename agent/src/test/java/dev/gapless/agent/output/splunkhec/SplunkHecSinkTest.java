package dev.gapless.agent.output.splunkhec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.output.WorkerHarness;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.splunkhec.SplunkHecOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplunkHecSinkTest {

    private static final String TOKEN = "11111111-2222-3333-4444-555555555555";
    private static final String AGENT = "9b2f7c2e-1111-4a5b-9c3d-6f0e5a4b3c2d";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeHec hec = new FakeHec(TOKEN);
    private final List<SplunkHecSink> sinks = new ArrayList<>();
    @TempDir
    Path dir;

    SplunkHecSinkTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        sinks.forEach(SplunkHecSink::close);
        hec.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private SplunkHecSink sink(URI url, String token, boolean ack, Duration ackTimeout, Duration timeout,
            Optional<String> index) throws Exception {
        return sink(url, token, ack, ackTimeout, timeout, index, BatchConfig.DEFAULT);
    }

    private SplunkHecSink sink(URI url, String token, boolean ack, Duration ackTimeout, Duration timeout,
            Optional<String> index, BatchConfig batch) throws Exception {
        Path tokenFile = dir.resolve("hec.token");
        Files.writeString(tokenFile, token + "\n");
        SplunkHecSink s = new SplunkHecSink(new SplunkHecOutputConfig("splunk", url, tokenFile, ack, ackTimeout,
                Duration.ofMillis(50), timeout, index, "gapless", SplunkHecOutputConfig.EventFormat.MESSAGE,
                Optional.empty(), Codec.JSON_LINES, batch, RetryConfig.DEFAULT), group);
        sinks.add(s);
        return s;
    }

    private SplunkHecSink sink(boolean ack) throws Exception {
        return sink(hec.url(), TOKEN, ack, Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
    }

    static String envelope(long seq, String eventTime, String message) {
        return "{\"v\":1,\"kind\":\"event\",\"agent_id\":\"" + AGENT + "\",\"boot_id\":\"" + AGENT + "\",\"seq\":"
                + seq + ",\"host\":\"web-1\",\"source\":\"app\",\"received_at\":\"2026-11-23T10:00:09Z\","
                + "\"event_time\":\"" + eventTime + "\",\"message\":\"" + message + "\",\"fields\":{},\"tags\":[]}\n";
    }

    static EncodedBatch batch(long first, String... envelopes) {
        byte[] b = String.join("", envelopes).getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(first, first + envelopes.length - 1, envelopes.length, b, b.length);
    }

    private static Outcome send(SplunkHecSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void sendsHecEventsWithTheTokenAndChannel() throws Exception {
        hec.ackEnabled = false;
        SplunkHecSink s = sink(hec.url(), TOKEN, false, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Optional.of("main"));

        Outcome o = send(s, batch(7, envelope(7, "2026-11-23T10:00:00.123456789Z", "one"),
                envelope(8, "2026-11-23T10:00:01Z", "two")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        FakeHec.Request r = hec.requests.get(0);
        assertThat(r.path()).isEqualTo("/services/collector/event");
        assertThat(r.headers().get("Authorization")).containsExactly("Splunk " + TOKEN);
        assertThat(r.headers().get("X-splunk-request-channel")).singleElement()
                .satisfies(c -> assertThat(java.util.UUID.fromString(c).toString()).isEqualTo(c));
        assertThat(hec.indexed).hasSize(2);
        JsonNode first = hec.indexed.get(0);
        assertThat(first.get("time").decimalValue()).isEqualByComparingTo("1795428000.123");
        assertThat(first.get("event").asText()).isEqualTo("one");
        assertThat(first.get("host").asText()).isEqualTo("web-1");
        assertThat(first.get("source").asText()).isEqualTo("app");
        assertThat(first.get("sourcetype").asText()).isEqualTo("gapless");
        assertThat(first.get("index").asText()).isEqualTo("main");
        assertThat(first.get("fields").get("seq").asText()).isEqualTo("7");
        assertThat(first.get("fields").get("agent_id").asText()).isEqualTo(AGENT);
        assertThat(hec.indexed.get(1).get("fields").get("seq").asText()).isEqualTo("8");
    }

    @Test
    void withAckTheSendIsDeliveredOnlyOnceItsAckIdTurnsTrue() throws Exception {
        hec.acksFalseFor = 3;
        SplunkHecSink s = sink(true);

        Outcome o = send(s, batch(1, envelope(1, "2026-11-23T10:00:00Z", "m")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(hec.polls()).isEqualTo(4); // three false, then true
        FakeHec.Request poll = hec.requests.get(1);
        assertThat(poll.query()).isEqualTo("channel=" + hec.requests.get(0).headers()
                .get("X-splunk-request-channel").get(0));
        assertThat(poll.body()).isEqualTo("{\"acks\":[0]}");
        assertThat(hec.indexed).hasSize(1);
        assertThat(send(s, batch(2, envelope(2, "2026-11-23T10:00:00Z", "n")))).isEqualTo(Outcome.DELIVERED);
        assertThat(hec.requests.get(hec.requests.size() - 1).body()).isEqualTo("{\"acks\":[1]}");
    }

    @Test
    void anAckIdForgottenByARestartedIndexerIsSentAgainAfterAckTimeout() throws Exception {
        hec.acksFalseFor = 1_000_000; // not before the restart
        SplunkHecSink s = sink(hec.url(), TOKEN, true, Duration.ofMillis(600), Duration.ofSeconds(10),
                Optional.empty());
        EncodedBatch b = batch(1, envelope(1, "2026-11-23T10:00:00Z", "m"));
        var pending = s.send(b).toCompletableFuture();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hec.polls() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling interval only: the condition decides
        }
        hec.restart();
        hec.acksFalseFor = 0;
        long start = System.nanoTime();

        Outcome o = pending.get(30, TimeUnit.SECONDS);

        assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
            assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
            assertThat(r.message()).contains("ackId 0 not acknowledged within 600ms");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(send(s, b)).as("sent again, acknowledged").isEqualTo(Outcome.DELIVERED);
        assertThat(hec.indexed).as("indexed twice: at least once, never lost").hasSize(2);
    }

    @Test
    void batchesInFlightAtOnceShareTheChannelAndEachIsDeliveredOnceItsOwnAckIdTurnsTrue() throws Exception {
        BatchConfig four = new BatchConfig(BatchConfig.DEFAULT.maxEvents(), BatchConfig.DEFAULT.maxBytes(),
                BatchConfig.DEFAULT.maxWait(), 4);
        SplunkHecSink s = sink(hec.url(), TOKEN, true, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Optional.empty(), four);
        assertThat(s.maxInFlight()).isEqualTo(4);
        hec.acksFalseFor = 2;
        List<CompletableFuture<Outcome>> sends = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            sends.add(s.send(batch(i, envelope(i, "2026-11-23T10:00:00Z", "m" + i))).toCompletableFuture());
        }
        for (CompletableFuture<Outcome> f : sends) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.DELIVERED);
        }
        assertThat(hec.indexed).extracting(e -> e.path("event").asText()).containsExactlyInAnyOrder("m1", "m2",
                "m3", "m4");
        List<String> channels = hec.requests.stream()
                .map(r -> r.path().equals("/services/collector/ack") ? r.query().substring(8)
                        : r.headers().get("X-splunk-request-channel").get(0))
                .distinct().toList();
        assertThat(channels).as("one channel for every request").hasSize(1);
        assertThat(hec.polls()).as("each ackId polled until true").isGreaterThanOrEqualTo(4 * 3);
        assertThat(hec.requests.stream().filter(r -> r.path().equals("/services/collector/ack"))
                .map(FakeHec.Request::body).distinct()).as("four ackIds, each polled on its own")
                .containsExactlyInAnyOrder("{\"acks\":[0]}", "{\"acks\":[1]}", "{\"acks\":[2]}", "{\"acks\":[3]}");
    }

    @Test
    void anAckPollAnsweredWithAConfigurationCodeEndsTheSendAtOnceAndAServerErrorIsPolledAgain() throws Exception {
        hec.acksFalseFor = 1_000; // never true while the test runs
        SplunkHecSink s = sink(hec.url(), TOKEN, true, Duration.ofSeconds(20), Duration.ofSeconds(5),
                Optional.empty());
        long start = System.nanoTime();
        CompletableFuture<Outcome> f = s.send(batch(1, envelope(1, "2026-11-23T10:00:00Z", "m")))
                .toCompletableFuture();
        TestJournals.await("the ackId polled", () -> hec.polls() >= 1);
        long polled = hec.polls();
        hec.scriptedStatus.add(503); // two polls answered 503 code 8, the destination's trouble: waited out
        hec.scriptedStatus.add(503);
        TestJournals.await("polled past the errors", () -> hec.polls() >= polled + 3);
        assertThat(f).isNotDone();
        hec.ackEnabled = false; // the token's acknowledgement turned off: code 14, waiting cannot help
        assertThat(f.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.message()).contains("HEC code 14").contains("ACK is disabled"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before ack_timeout")
                .isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void credentialChannelIndexAndBusyProblemsAreRetried() throws Exception {
        EncodedBatch b = batch(1, envelope(1, "2026-11-23T10:00:00Z", "m"));
        Outcome wrong = send(sink(hec.url(), "wrong-token", true, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Optional.empty()), b);
        assertThat(wrong).isInstanceOfSatisfying(Outcome.Retryable.class, r -> assertThat(r.message())
                .contains("HEC code 4").contains("Invalid token").doesNotContain("wrong-token"));

        SplunkHecSink s = sink(true);
        hec.tokenDisabled = true;
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.message()).contains("HEC code 1"));
        hec.tokenDisabled = false;
        hec.busy = true;
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
            assertThat(r.message()).contains("HEC code 9").contains("503");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        });
        hec.busy = false;
        hec.allowedIndex = "other";
        SplunkHecSink indexed = sink(hec.url(), TOKEN, true, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Optional.of("main"));
        assertThat(send(indexed, b)).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.message()).contains("HEC code 7"));
        for (int status : new int[] {500, 502, 429}) {
            hec.scriptedStatus.add(status);
            assertThat(send(s, b)).as("HTTP %d", status).isInstanceOf(Outcome.Retryable.class);
        }
        hec.ackEnabled = false; // the token has acknowledgement off: no ackId, which ack: true cannot accept
        assertThat(send(s, b)).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.message()).contains("no ackId"));
        assertThat(hec.indexed).hasSize(1); // only that last one got in; nothing was rejected
    }

    @Test
    void eventsHecRefusesRejectTheBatch() throws Exception {
        SplunkHecSink s = sink(true);
        // a blank message makes a blank event: code 13, after the event before it was indexed
        Outcome o = send(s, batch(1, envelope(1, "2026-11-23T10:00:00Z", "fine"),
                envelope(2, "2026-11-23T10:00:00Z", " ")));

        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason())
                .contains("HEC code 13").contains("Event field cannot be blank").contains("event 1"));
        Outcome bad = send(s, batch(3, "not an envelope\n"));
        assertThat(bad).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).contains("record 3 is not a JSON envelope"));
        assertThat(send(s, batch(4, envelope(4, "2026-11-23T10:00:00Z", "after")))).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void aSlowCollectorIsATimeoutAndAResetIsUnreachable() throws Exception {
        hec.ackEnabled = false;
        // the classes loaded first, so that the bound measured below is the timeout's
        assertThat(send(sink(false), batch(1, envelope(1, "2026-11-23T10:00:00Z", "m"))))
                .isEqualTo(Outcome.DELIVERED);
        SplunkHecSink slow = sink(hec.url(), TOKEN, false, Duration.ofSeconds(5), Duration.ofMillis(300),
                Optional.empty());
        hec.requests.clear();
        hec.delayMillis = 3_000;
        long start = System.nanoTime();
        assertThat(send(slow, batch(1, envelope(1, "2026-11-23T10:00:00Z", "m"))))
                .isInstanceOfSatisfying(Outcome.Retryable.class,
                        r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT));
        assertThat(hec.requests).extracting(FakeHec.Request::path).containsExactly("/services/collector/event");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
        hec.delayMillis = 0;
        hec.ackEnabled = true;

        try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket c = raw.accept()) {
                    c.getInputStream().read(new byte[1024]);
                    c.setSoLinger(true, 0); // close with a reset
                } catch (Exception ignored) {
                    // the test's assertion says what happened
                }
            });
            server.start();
            SplunkHecSink reset = sink(URI.create("http://127.0.0.1:" + raw.getLocalPort()), TOKEN, true,
                    Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
            assertThat(send(reset, batch(1, envelope(1, "2026-11-23T10:00:00Z", "m"))))
                    .isInstanceOfSatisfying(Outcome.Retryable.class,
                            r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE));
            server.join(5_000);
        }
    }

    @Test
    void behindTheWorkerARefusedEventIsDeadLetteredAndTheOthersAreAcknowledged() throws Exception {
        hec.acksFalseFor = 1;
        SplunkHecSink s = sink(true);
        try (WorkerHarness h = new WorkerHarness(dir.resolve("worker"), s, 100)) {
            h.append("app", "a", "b");
            long last = h.append("app", "   ", "d");

            assertThat(h.runUntilAcked(last + 1, 200)).isEqualTo(last + 1); // and the loss marker after it

            assertThat(h.deadLetters()).singleElement().asString().contains("\"from_seq\":3,\"to_seq\":3")
                    .contains("HEC code 13");
            assertThat(hec.indexed).extracting(e -> e.get("fields").get("seq").asText())
                    .contains("1", "2", "4", "5"); // 5: the loss marker; 1 and 2 may be in twice (HEC has no key)
            assertThat(hec.indexed).extracting(e -> e.get("fields").get("kind").asText()).contains("loss");
        }
    }
}
