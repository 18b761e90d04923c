package dev.gapless.agent.output.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gapless.agent.codec.LineEncoder;
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
import dev.gapless.agent.output.Sink;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.http.HttpOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http sink under the output worker with {@code batch.max_in_flight: 4}: four batches at the server at once on
 * four connections, answered out of order, the cursor moving only in seq order, every event delivered once.
 */
class HttpSinkWindowTest {

    private static final int IN_FLIGHT = 4;
    private static final int EVENTS = 60;

    @TempDir
    Path dir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private Journal journal;
    private OutputWorker worker;
    /** Opens for the oldest of the held batches once the test has checked the cursor did not pass it. */
    private final CountDownLatch oldestGoes = new CountDownLatch(1);

    /** What the server saw: each request's body, its seq range's first seq and the client's port. */
    record Seen(String body, long firstSeq, int port) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger atServer = new AtomicInteger();
    private final AtomicInteger mostAtServer = new AtomicInteger();
    /** The first IN_FLIGHT requests, held until all are at the server; by first seq. */
    private final Map<Long, CountDownLatch> held = new ConcurrentHashMap<>();
    private final AtomicInteger arrived = new AtomicInteger();
    // The first seq of the oldest held request, once all are at the server.
    private volatile long oldestHeld = -1;

    @AfterEach
    void tearDown() throws Exception {
        oldestGoes.countDown();
        held.values().forEach(CountDownLatch::countDown);
        if (worker != null) {
            worker.close();
        }
        if (journal != null) {
            journal.close();
        }
        if (server != null) {
            server.stop(0);
        }
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private URI serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(serverThreads);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String range = ex.getRequestHeaders().getFirst("X-Gapless-Seq-Range");
            long first = Long.parseLong(range.substring(0, range.indexOf('-')));
            mostAtServer.accumulateAndGet(atServer.incrementAndGet(), Math::max);
            seen.add(new Seen(body, first, ex.getRemoteAddress().getPort()));
            try {
                hold(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            atServer.decrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ingest");
    }

    /**
     * The first IN_FLIGHT requests wait until all of them are at the server; then all but the oldest are answered,
     * and the oldest once the test opens {@link #oldestGoes}. Later requests are answered at once.
     */
    private void hold(long first) throws InterruptedException {
        CountDownLatch mine;
        synchronized (held) {
            if (arrived.get() >= IN_FLIGHT) {
                return;
            }
            mine = new CountDownLatch(1);
            held.put(first, mine);
            if (arrived.incrementAndGet() == IN_FLIGHT) {
                oldestHeld = held.keySet().stream().min(Comparator.naturalOrder()).orElseThrow();
                held.values().forEach(CountDownLatch::countDown);
            }
        }
        mine.await(30, TimeUnit.SECONDS);
        if (first == oldestHeld) {
            oldestGoes.await(30, TimeUnit.SECONDS);
        }
    }

    /** The real sink, its sends' answers counted as they come (what the worker has been told). */
    static final class Counted implements Sink {
        final HttpSink sink;
        final AtomicInteger answered = new AtomicInteger();

        Counted(HttpSink sink) {
            this.sink = sink;
        }

        @Override
        public CompletionStage<Outcome> send(EncodedBatch batch) {
            return sink.send(batch).whenComplete((o, t) -> answered.incrementAndGet());
        }

        @Override
        public int maxInFlight() {
            return sink.maxInFlight();
        }

        @Override
        public String destination() {
            return sink.destination();
        }

        @Override
        public void close() {
            sink.close();
        }
    }

    @Test
    void fourBatchesInFlightOnFourConnectionsAnsweredOutOfOrderWithTheCursorInOrderAndEveryEventOnce()
            throws Exception {
        URI url = serve();
        journal = TestJournals.open(dir.resolve("journal"));
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            events.add(Event.line("app", -1, 0, ("e" + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        long last = journal.append(TestBatches.of(events)).lastSeq();
        journal.whenDurable(last).get(30, TimeUnit.SECONDS);
        BatchConfig batch = new BatchConfig(5, ByteSize.ofMebibytes(1), Duration.ofMillis(5), IN_FLIGHT);
        Counted sink = new Counted(new HttpSink(new HttpOutputConfig("central", url, Codec.JSON_LINES,
                Duration.ofSeconds(20), Map.of(), Optional.empty(), Optional.empty(), batch, RetryConfig.DEFAULT),
                group));
        assertThat(sink.maxInFlight()).isEqualTo(IN_FLIGHT);
        CursorStore cursor = new CursorStore(dir.resolve("central.cursor"), true);
        OutputStatus status = new OutputStatus("central", "http", sink.destination());
        worker = new OutputWorker(new OutputWorker.Parts("central", journal, sink, new LineEncoder(), cursor,
                dir.resolve("dead-letter.ndjson"), batch,
                new Backoff(new RetryConfig(Duration.ofMillis(5), Duration.ofMillis(50))), Clock.systemUTC(),
                Failpoints.none(), status), cursor.load());
        worker.start();

        TestJournals.await("all but the oldest held batch answered", () -> sink.answered.get() == IN_FLIGHT - 1);
        assertThat(mostAtServer.get()).as("batches at the server at once").isEqualTo(IN_FLIGHT);
        assertThat(seen).as("the window is full until its oldest is answered").hasSize(IN_FLIGHT);
        assertThat(status.ackedSeq).as("cursor while the oldest is unanswered").isZero();
        oldestGoes.countDown();

        TestJournals.await("cursor at the last", () -> status.ackedSeq == last);
        worker.close();
        worker = null;
        assertThat(cursor.load()).isEqualTo(last);
        assertThat(mostAtServer.get()).isEqualTo(IN_FLIGHT);
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        seen.forEach(s -> ports.add(s.port()));
        assertThat(ports).as("connections").hasSize(IN_FLIGHT);
        List<String> lines = new ArrayList<>();
        seen.forEach(s -> lines.addAll(Arrays.asList(s.body().split("\n"))));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            expected.add("e" + i);
        }
        assertThat(lines).as("every event delivered once").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(status.deliveredRecords.sum()).isEqualTo(EVENTS);
        assertThat(status.retriedRecords.sum()).isZero();
        System.out.printf("max_in_flight %d: %d requests on %d connections, at most %d at the server at once%n",
                IN_FLIGHT, seen.size(), ports.size(), mostAtServer.get());
    }
}
