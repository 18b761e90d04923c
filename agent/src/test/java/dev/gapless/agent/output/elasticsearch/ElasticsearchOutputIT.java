package dev.gapless.agent.output.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.elasticsearch.IndexPattern;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The elasticsearch output against a real OpenSearch node (one for the class, a child JVM). */
class ElasticsearchOutputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID AGENT = UUID.randomUUID();
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    static Path home;
    private static OpenSearchProcess node;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @TempDir
    Path dir;
    private Journal journal;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        node = new OpenSearchProcess(Files.createDirectories(home.resolve("node")));
        long t0 = System.nanoTime();
        node.start(0);
        System.out.printf("OpenSearch node serving on port %d after %d ms%n", node.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.stop();
        }
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (journal != null) {
            journal.close();
        }
    }

    private ElasticsearchSink sink(String index) throws Exception {
        var config = new ElasticsearchOutputConfig("search", node.url(), IndexPattern.parse(index), Codec.JSON_LINES,
                Duration.ofSeconds(10), ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(),
                Optional.empty(), BatchConfig.DEFAULT, RetryConfig.DEFAULT);
        return new ElasticsearchSink(config, GROUP, AGENT, Clock.systemUTC());
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static long countEvents(String index) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        return call("GET", "/" + index + "/_count?q=kind:event", null).path("count").asLong();
    }

    /** A worker delivering the journal to the index, with the output worker's own bisection and dead letters. */
    private OutputWorker worker(String index, int maxEvents) throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        ElasticsearchSink sink = sink(index);
        CursorStore cursor = new CursorStore(dir.resolve("search.cursor"), true);
        OutputWorker w = new OutputWorker(new OutputWorker.Parts("search", journal, sink,
                new EnvelopeEncoder(AGENT, "test-host", journal::durableSeq), cursor,
                dir.resolve("dead-letter").resolve("search.ndjson"),
                new BatchConfig(maxEvents, ByteSize.ofMebibytes(4), Duration.ofMillis(20)),
                new Backoff(new RetryConfig(Duration.ofMillis(20), Duration.ofMillis(500))), Clock.systemUTC(),
                Failpoints.none(), new OutputStatus("search", "elasticsearch", sink.destination())), cursor.load());
        closing.add(w);
        return w;
    }

    private long append(int from, int to, int... badOnes) throws Exception {
        List<Event> events = new ArrayList<>();
        Set<Integer> bad = new TreeSet<>();
        for (int b : badOnes) {
            bad.add(b);
        }
        for (int i = from; i <= to; i++) {
            long now = System.currentTimeMillis() * 1_000_000L;
            String fields = bad.contains(i) ? "{\"n\":\"not a number\"}" : "{\"n\":" + i + "}";
            events.add(new Event("app", -1, now, now, ("event " + i).getBytes(StandardCharsets.UTF_8),
                    fields.getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get(30, TimeUnit.SECONDS);
        return last;
    }

    private static void await(String what, OutputWorker w, long seq) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (w.status().ackedSeq < seq) {
            assertThat(System.nanoTime()).as("%s: acked %d of %d", what, w.status().ackedSeq, seq).isLessThan(deadline);
            Thread.sleep(20); // the worker delivers on its own thread; the cursor shows how far
        }
    }

    @Test
    void deliversEachEventAndFindsItBackByItsIdAndASecondSendStoresNothingTwice() throws Exception {
        ElasticsearchSink s = sink("gapless-plain-%Y.%m.%d");
        closing.add(s);
        EncodedBatch batch = ElasticsearchSinkTest.batch(1, 50, "2026-11-23");
        // The hand-made envelopes carry the unit test's agent id; the _id is this sink's agent id and the seq.

        assertThat(s.send(batch).toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(Outcome.DELIVERED);
        assertThat(s.send(batch).toCompletableFuture().get(60, TimeUnit.SECONDS)).isEqualTo(Outcome.DELIVERED);

        JsonNode doc = call("GET", "/gapless-plain-2026.11.23/_doc/" + AGENT + ":17", null);
        assertThat(doc.path("found").asBoolean()).isTrue();
        assertThat(doc.path("_source").path("seq").asLong()).isEqualTo(17);
        assertThat(doc.path("_source").path("message").asText()).isEqualTo("event 17");
        assertThat(countEvents("gapless-plain-2026.11.23")).isEqualTo(50);
    }

    @Test
    void aMappingConflictIsDeadLetteredWithItsReasonAndEveryOtherEventIsDelivered() throws Exception {
        call("PUT", "/gapless-conflict", "{\"settings\":{\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"fields\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}}}");
        OutputWorker w = worker("gapless-conflict", 100);
        long last = append(1, 40, 7, 31);
        long first = last - 39;
        w.start();

        await("mapping conflict", w, last);

        assertThat(countEvents("gapless-conflict")).isEqualTo(38);
        assertThat(call("GET", "/gapless-conflict/_doc/" + AGENT + ":" + (first + 6), null).path("found").asBoolean())
                .isFalse();
        List<String> dead = Files.readAllLines(dir.resolve("dead-letter").resolve("search.ndjson"));
        assertThat(dead).hasSize(2);
        JsonNode one = JSON.readTree(dead.get(0));
        assertThat(one.path("from_seq").asLong()).isEqualTo(first + 6);
        assertThat(one.path("to_seq").asLong()).isEqualTo(first + 6);
        assertThat(one.path("reason").asText()).contains("mapper_parsing_exception");
        assertThat(JSON.readTree(dead.get(1)).path("from_seq").asLong()).isEqualTo(first + 30);
        assertThat(w.status().rejectedRecords.sum()).isEqualTo(2);
        System.out.println("mapping conflict: 38 of 40 events delivered, 2 dead-lettered");
    }

    @Test
    void theNodeStoppedAndRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        OutputWorker w = worker("gapless-restart-%Y.%m.%d", 100);
        int total = 3000;
        long first = append(1, 1000) - 999;
        w.start();
        await("before the stop", w, first + 300);

        int port = node.port();
        long t0 = System.nanoTime();
        node.stop();
        long last = append(1001, total);
        node.start(port);
        System.out.printf("node stopped at acked seq %d and started again in %d ms%n", w.status().ackedSeq,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        await("after the restart", w, last);

        assertThat(w.status().failedAttempts.sum()).as("sends failed while the node was down").isPositive();
        assertThat(w.status().rejectedRecords.sum()).isZero();
        call("POST", "/gapless-restart-*/_refresh", null);
        JsonNode hits = call("GET", "/gapless-restart-*/_search?q=kind:event&size=10000&_source=seq", null)
                .path("hits");
        assertThat(hits.path("total").path("value").asLong()).as("documents stored, all indices").isEqualTo(total);
        Set<Long> seqs = new TreeSet<>();
        hits.path("hits").forEach(h -> seqs.add(h.path("_source").path("seq").asLong()));
        assertThat(seqs).hasSize(total);
        assertThat(seqs).first().isEqualTo(first);
        assertThat(seqs).last().isEqualTo(last);
    }
}
