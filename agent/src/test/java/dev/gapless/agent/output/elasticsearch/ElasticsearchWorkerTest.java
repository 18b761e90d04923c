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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The elasticsearch sink under the output worker, against the protocol-faithful test server: per-item refusals end
 * as exactly the refused events in the dead-letter file, retryable trouble ends with every event stored once.
 */
class ElasticsearchWorkerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID AGENT = UUID.randomUUID();

    @TempDir
    Path dir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private BulkTestServer server;
    private Journal journal;
    private OutputWorker worker;

    @BeforeEach
    void setUp() throws Exception {
        server = new BulkTestServer();
        journal = TestJournals.open(dir.resolve("journal"));
        var config = new ElasticsearchOutputConfig("search", URI.create("http://127.0.0.1:" + server.port()),
                IndexPattern.parse("logs-%Y.%m.%d"), Codec.JSON_LINES, Duration.ofSeconds(10),
                ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(), Optional.empty(), BatchConfig.DEFAULT,
                RetryConfig.DEFAULT);
        ElasticsearchSink sink = new ElasticsearchSink(config, group, AGENT, Clock.systemUTC());
        CursorStore cursor = new CursorStore(dir.resolve("search.cursor"), true);
        worker = new OutputWorker(new OutputWorker.Parts("search", journal, sink,
                new EnvelopeEncoder(AGENT, "test-host", journal::durableSeq), cursor,
                dir.resolve("dead-letter").resolve("search.ndjson"),
                new BatchConfig(64, ByteSize.ofMebibytes(4), Duration.ofMillis(5)),
                new Backoff(new RetryConfig(Duration.ofMillis(5), Duration.ofMillis(50))), Clock.systemUTC(),
                Failpoints.none(), new OutputStatus("search", "elasticsearch", sink.destination())), cursor.load());
    }

    @AfterEach
    void tearDown() throws Exception {
        worker.close();
        journal.close();
        assertThat(server.protocolErrors).isEmpty();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private long append(int n) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long now = System.currentTimeMillis() * 1_000_000L;
            events.add(Event.line("app", -1, now, ("event " + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get(30, TimeUnit.SECONDS);
        return last;
    }

    private void awaitAcked(long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (worker.status().ackedSeq < seq) {
            assertThat(System.nanoTime()).as("acked %d of %d", worker.status().ackedSeq, seq).isLessThan(deadline);
            Thread.sleep(10); // the worker delivers on its own thread; the cursor shows how far
        }
    }

    private long storedEvents() {
        return server.stored.values().stream().filter(d -> d.path("kind").asText().equals("event")).count();
    }

    @Test
    void refusedItemsEndAsExactlyThoseEventsInTheDeadLetterFileAndTheRestIsStoredOnce() throws Exception {
        long last = append(64);
        long first = last - 63;
        long bad1 = first + 9;
        long bad2 = first + 40;
        server.itemAnswer = (id, attempt, doc) -> id.equals(AGENT + ":" + bad1) || id.equals(AGENT + ":" + bad2)
                ? new BulkTestServer.ItemError(400, "mapper_parsing_exception") : null;
        worker.start();

        awaitAcked(last);

        assertThat(storedEvents()).isEqualTo(62);
        List<String> dead = Files.readAllLines(dir.resolve("dead-letter").resolve("search.ndjson"));
        assertThat(dead).hasSize(2);
        JsonNode one = JSON.readTree(dead.get(0));
        assertThat(one.path("from_seq").asLong()).isEqualTo(bad1);
        assertThat(one.path("to_seq").asLong()).isEqualTo(bad1);
        assertThat(one.path("reason").asText()).contains("mapper_parsing_exception");
        assertThat(JSON.readTree(dead.get(1)).path("from_seq").asLong()).isEqualTo(bad2);
        assertThat(worker.status().rejectedRecords.sum()).isEqualTo(2);
        // Every create after the first of an id answered 409: nothing stored twice, whatever the resends.
        assertThat(server.stored.keySet().stream().map(k -> k.substring(k.indexOf('/') + 1)).distinct().count())
                .isEqualTo(server.stored.size());
        System.out.printf("2 refused of 64: %d bulk requests%n", server.requests.size());
    }

    @Test
    void clusterTroubleOfEveryKindEndsWithEveryEventStoredOnceAndNothingDeadLettered() throws Exception {
        long last = append(200);
        long first = last - 199;
        server.wholeAnswers.add(BulkTestServer.Whole.status(429, "0"));
        server.wholeAnswers.add(BulkTestServer.Whole.status(503, null));
        server.itemAnswer = (id, attempt, doc) -> {
            long seq = Long.parseLong(id.substring(id.indexOf(':') + 1));
            if (seq % 7 == 0 && attempt <= 4) {
                return new BulkTestServer.ItemError(429, "es_rejected_execution_exception");
            }
            return seq % 11 == 0 && attempt == 1 ? new BulkTestServer.ItemError(503, "unavailable_shards_exception")
                    : null;
        };
        worker.start();

        awaitAcked(last);

        assertThat(storedEvents()).isEqualTo(200);
        for (long seq = first; seq <= last; seq++) {
            assertThat(server.byId(AGENT + ":" + seq)).as("seq %d", seq).hasSize(1);
        }
        assertThat(Files.exists(dir.resolve("dead-letter").resolve("search.ndjson"))).isFalse();
        assertThat(worker.status().rejectedRecords.sum()).isZero();
        assertThat(worker.status().failedAttempts.sum()).isPositive();
    }
}
