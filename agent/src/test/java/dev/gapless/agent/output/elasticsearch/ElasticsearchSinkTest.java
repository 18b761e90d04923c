package dev.gapless.agent.output.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.net.TestCertificates;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.elasticsearch.ElasticsearchOutputConfig;
import dev.gapless.config.output.elasticsearch.IndexPattern;
import dev.gapless.config.tls.ClientTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchSinkTest {

    private static final UUID AGENT = UUID.fromString("6f1c2a4e-0000-4000-8000-000000000001");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-02T05:00:00Z"), ZoneOffset.UTC);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private BulkTestServer server;
    private ElasticsearchSink sink;

    @AfterEach
    void tearDown() throws Exception {
        if (sink != null) {
            sink.close();
        }
        if (server != null) {
            assertThat(server.protocolErrors).as("requests that were not valid bulk bodies").isEmpty();
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ElasticsearchSink sink(String scheme, Duration timeout, ElasticsearchOutputConfig.Compression compression,
            Optional<ElasticsearchOutputConfig.Auth> auth, Optional<ClientTls> tls) throws Exception {
        var config = new ElasticsearchOutputConfig("search", URI.create(scheme + "://127.0.0.1:" + server.port()),
                IndexPattern.parse("logs-%Y.%m.%d"), Codec.JSON_LINES, timeout, compression, auth, tls,
                BatchConfig.DEFAULT, RetryConfig.DEFAULT);
        sink = new ElasticsearchSink(config, group, AGENT, NOW);
        return sink;
    }

    private ElasticsearchSink sink() throws Exception {
        server = new BulkTestServer();
        return sink("http", Duration.ofSeconds(10), ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(),
                Optional.empty());
    }

    /** Envelopes of seqs first..last; event_time on the given day. */
    static EncodedBatch batch(long first, long last, String day) {
        StringBuilder b = new StringBuilder();
        for (long seq = first; seq <= last; seq++) {
            b.append("{\"v\":1,\"kind\":\"event\",\"agent_id\":\"").append(AGENT).append("\",\"seq\":").append(seq)
                    .append(",\"received_at\":\"2026-12-02T04:59:59.000000001Z\",\"event_time\":\"").append(day)
                    .append("T10:00:00.000000000Z\",\"message\":\"event ").append(seq).append("\",\"fields\":{}}\n");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(first, last, (int) (last - first + 1), bytes, bytes.length);
    }

    private static Outcome send(ElasticsearchSink s, EncodedBatch b) throws Exception {
        return s.send(b).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String id(long seq) {
        return AGENT + ":" + seq;
    }

    @Test
    void deliversEachEventAsCreateWithIdFromAgentAndSeqIntoItsDaysIndex() throws Exception {
        ElasticsearchSink s = sink();

        assertThat(send(s, batch(1, 3, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);

        assertThat(server.stored).containsOnlyKeys("logs-2026.11.23/" + id(1), "logs-2026.11.23/" + id(2),
                "logs-2026.11.23/" + id(3));
        assertThat(server.stored.get("logs-2026.11.23/" + id(2)).path("message").asText()).isEqualTo("event 2");
        assertThat(server.stored.get("logs-2026.11.23/" + id(2)).path("seq").asLong()).isEqualTo(2);
        BulkTestServer.Seen req = server.requests.get(0);
        assertThat(req.contentType()).isEqualTo("application/x-ndjson");
        assertThat(req.contentEncoding()).isEqualTo("gzip");
        assertThat(req.authorization()).isNull();
        assertThat(req.path()).isEqualTo("/_bulk");
    }

    @Test
    void aBatchSentAgainStoresEachEventOnceAndCountsTheConflictsAsDelivered() throws Exception {
        ElasticsearchSink s = sink();
        assertThat(send(s, batch(1, 4, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);

        assertThat(send(s, batch(1, 6, "2026-11-23"))).isEqualTo(Outcome.DELIVERED); // 4 answer 409, 2 are new

        assertThat(server.stored).hasSize(6);
        assertThat(server.tries.get(id(1))).isEqualTo(2);
    }

    @Test
    void itemsTheClusterCouldNotTakeAreSentAgainAloneWithinTheSend() throws Exception {
        ElasticsearchSink s = sink();
        server.itemAnswer = (id, attempt, doc) -> id.equals(id(2)) && attempt == 1
                ? new BulkTestServer.ItemError(429, "es_rejected_execution_exception")
                : id.equals(id(4)) && attempt < 3 ? new BulkTestServer.ItemError(503, "unavailable_shards_exception")
                : null;

        assertThat(send(s, batch(1, 5, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);

        assertThat(server.requests).extracting(BulkTestServer.Seen::ids).containsExactly(
                List.of(id(1), id(2), id(3), id(4), id(5)), List.of(id(2), id(4)), List.of(id(4)));
        assertThat(server.stored).hasSize(5);
    }

    @Test
    void itemsStillRefusedAfterTheLastRoundMakeTheBatchRetryableAndTheRetryDuplicatesNothing() throws Exception {
        ElasticsearchSink s = sink();
        server.itemAnswer = (id, attempt, doc) -> id.equals(id(3)) && attempt <= ElasticsearchSink.ITEM_ROUNDS
                ? new BulkTestServer.ItemError(503, "unavailable_shards_exception") : null;

        Outcome first = send(s, batch(1, 4, "2026-11-23"));

        assertThat(first).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) first).message()).contains("1 of 1 items not stored")
                .contains("unavailable_shards_exception");
        assertThat(server.requests).hasSize(ElasticsearchSink.ITEM_ROUNDS);
        assertThat(send(s, batch(1, 4, "2026-11-23"))).isEqualTo(Outcome.DELIVERED); // the worker's retry
        assertThat(server.stored).hasSize(4);
        assertThat(server.byId(id(3))).hasSize(1);
    }

    @Test
    void aMappingConflictRejectsTheBatchNamingTheCauseAndTheGoodEventsAreStored() throws Exception {
        ElasticsearchSink s = sink();
        server.itemAnswer = (id, attempt, doc) -> id.equals(id(2))
                ? new BulkTestServer.ItemError(400, "mapper_parsing_exception") : null;

        Outcome whole = send(s, batch(1, 3, "2026-11-23"));
        Outcome alone = send(s, batch(2, 2, "2026-11-23")); // what the worker's split comes down to

        assertThat(whole).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) whole).reason()).contains("item status 400 mapper_parsing_exception");
        assertThat(alone).isInstanceOf(Outcome.Rejected.class);
        assertThat(server.stored).containsOnlyKeys("logs-2026.11.23/" + id(1), "logs-2026.11.23/" + id(3));
    }

    @Test
    void destinationCausedItemErrorsAreRetriedNotRejected() throws Exception {
        ElasticsearchSink s = sink();
        server.itemAnswer = (id, attempt, doc) -> attempt <= ElasticsearchSink.ITEM_ROUNDS
                ? new BulkTestServer.ItemError(attempt == 1 ? 403 : 400,
                        attempt == 1 ? "cluster_block_exception" : "index_closed_exception") : null;

        assertThat(send(s, batch(1, 2, "2026-11-23"))).isInstanceOf(Outcome.Retryable.class);
        assertThat(send(s, batch(1, 2, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);
        assertThat(server.stored).hasSize(2);
    }

    @Test
    void aWholeRequest429IsRetryableWithTheClustersRetryAfter() throws Exception {
        ElasticsearchSink s = sink();
        server.wholeAnswers.add(BulkTestServer.Whole.status(429, "7"));

        Outcome o = send(s, batch(1, 2, "2026-11-23"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(server.stored).isEmpty();
        assertThat(send(s, batch(1, 2, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void wholeRequest5xxAndAuthFailuresAreRetryableAnd413IsRejectedToBeSplit() throws Exception {
        ElasticsearchSink s = sink();
        for (int status : new int[] {500, 502, 503, 401, 403, 404}) {
            server.wholeAnswers.add(BulkTestServer.Whole.status(status, null));
            assertThat(send(s, batch(1, 2, "2026-11-23"))).as("HTTP %d", status).isInstanceOf(Outcome.Retryable.class);
        }
        server.wholeAnswers.add(BulkTestServer.Whole.status(413, null));

        Outcome tooLarge = send(s, batch(1, 2, "2026-11-23"));

        assertThat(tooLarge).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) tooLarge).reason()).startsWith("HTTP 413");
        assertThat(server.stored).isEmpty();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsARetryableTimeoutAndTheNextSendGoesThrough() throws Exception {
        server = new BulkTestServer();
        ElasticsearchSink s = sink("http", Duration.ofMillis(300), ElasticsearchOutputConfig.Compression.NONE,
                Optional.empty(), Optional.empty());
        server.wholeAnswers.add(BulkTestServer.Whole.slow(1500));

        long t0 = System.nanoTime();
        Outcome o = send(s, batch(1, 2, "2026-11-23"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1400));
        assertThat(send(s, batch(1, 2, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);
        assertThat(server.requests.get(server.requests.size() - 1).contentEncoding()).isNull();
    }

    @Test
    void takesAsManyBatchesAtOnceAsMaxInFlightSays() throws Exception {
        var config = new ElasticsearchOutputConfig("search", URI.create("http://127.0.0.1:9"),
                IndexPattern.parse("logs"), Codec.JSON_LINES, Duration.ofSeconds(5),
                ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(), Optional.empty(),
                new BatchConfig(BatchConfig.DEFAULT.maxEvents(), BatchConfig.DEFAULT.maxBytes(),
                        BatchConfig.DEFAULT.maxWait(), 6), RetryConfig.DEFAULT);
        sink = new ElasticsearchSink(config, group, AGENT, NOW);
        assertThat(sink.maxInFlight()).isEqualTo(6);
    }

    @Test
    void anUnreachableClusterIsRetryable() throws Exception {
        server = new BulkTestServer();
        int port = server.port();
        server.close();
        server = null;
        var config = new ElasticsearchOutputConfig("search", URI.create("http://127.0.0.1:" + port),
                IndexPattern.parse("logs"), Codec.JSON_LINES, Duration.ofSeconds(5),
                ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(), Optional.empty(), BatchConfig.DEFAULT,
                RetryConfig.DEFAULT);
        sink = new ElasticsearchSink(config, group, AGENT, NOW);

        Outcome o = send(sink, batch(1, 1, "2026-11-23"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
    }

    @Test
    void aConnectionResetBeforeTheAnswerIsRetryableAndStoresNothing() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread resetter = new Thread(() -> {
                for (int i = 0; i < 2; i++) { // the send, and its one retry on a fresh connection at most
                    try (Socket c = raw.accept()) {
                        c.getInputStream().read(new byte[1024]); // the request has begun
                        c.setSoLinger(true, 0); // close with a reset
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            resetter.setDaemon(true);
            resetter.start();
            var config = new ElasticsearchOutputConfig("search", URI.create("http://127.0.0.1:" + raw.getLocalPort()),
                    IndexPattern.parse("logs"), Codec.JSON_LINES, Duration.ofSeconds(5),
                    ElasticsearchOutputConfig.Compression.GZIP, Optional.empty(), Optional.empty(),
                    BatchConfig.DEFAULT, RetryConfig.DEFAULT);
            sink = new ElasticsearchSink(config, group, AGENT, NOW);

            Outcome o = send(sink, batch(1, 3, "2026-11-23"));

            assertThat(o).isInstanceOf(Outcome.Retryable.class);
            assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        }
    }

    @Test
    void basicAndApiKeyCredentialsComeFromTheirFiles(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        Path key = Files.writeString(dir.resolve("key"), "aWQ6a2V5\n");
        server = new BulkTestServer();
        ElasticsearchSink basic = sink("http", Duration.ofSeconds(10), ElasticsearchOutputConfig.Compression.GZIP,
                Optional.of(new ElasticsearchOutputConfig.Basic("gapless", password)), Optional.empty());
        assertThat(send(basic, batch(1, 1, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);
        basic.close();
        ElasticsearchSink apiKey = sink("http", Duration.ofSeconds(10), ElasticsearchOutputConfig.Compression.GZIP,
                Optional.of(new ElasticsearchOutputConfig.ApiKey(key)), Optional.empty());
        assertThat(send(apiKey, batch(2, 2, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);

        assertThat(server.requests).extracting(BulkTestServer.Seen::authorization).containsExactly(
                "Basic " + Base64.getEncoder().encodeToString("gapless:s3cret".getBytes(StandardCharsets.UTF_8)),
                "ApiKey aWQ6a2V5");
    }

    @Test
    void anEmptyPasswordFileIsAnErrorNamingTheFileNotItsContent(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("password"), "\n");
        server = new BulkTestServer();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sink("http", Duration.ofSeconds(1),
                ElasticsearchOutputConfig.Compression.GZIP,
                Optional.of(new ElasticsearchOutputConfig.Basic("gapless", empty)), Optional.empty()))
                .hasMessageContaining("password_file " + empty + " is empty");
    }

    @Test
    void overHttpsTheClusterIsCheckedAgainstTheCaFile(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.in(dir);
        server = new BulkTestServer(certs.jdkServer());
        ElasticsearchSink s = sink("https", Duration.ofSeconds(10), ElasticsearchOutputConfig.Compression.GZIP,
                Optional.empty(), Optional.of(new ClientTls(Optional.of(certs.caFile), Optional.empty(),
                        Optional.empty(), true, Optional.empty())));

        assertThat(send(s, batch(1, 2, "2026-11-23"))).isEqualTo(Outcome.DELIVERED);
        assertThat(server.stored).hasSize(2);
    }

    @Test
    void anAnswerThatIsNotABulkAnswerForTheRequestIsRetryable() throws Exception {
        assertThat(catchIo(() -> BulkResponse.parse("[]".getBytes(StandardCharsets.UTF_8), 1)))
                .contains("not a JSON object");
        assertThat(catchIo(() -> BulkResponse.parse(
                "{\"errors\":true,\"items\":[]}".getBytes(StandardCharsets.UTF_8), 2))).contains("0 items for 2");
        assertThat(catchIo(() -> BulkResponse.parse(
                "{\"errors\":true,\"items\":[{\"create\":{}}]}".getBytes(StandardCharsets.UTF_8), 1)))
                .contains("no status");
        assertThat(BulkResponse.parse("{\"errors\":false}".getBytes(StandardCharsets.UTF_8), 3).retry).isEmpty();
    }

    @Test
    void theIndexComesFromEventTimeElseReceivedAtElseTheSendTime() {
        Instant now = NOW.instant();
        byte[] both = ("{\"received_at\":\"2026-01-01T00:00:00Z\",\"x\":{\"event_time\":\"1999-01-01T00:00:00Z\"},"
                + "\"event_time\":\"2026-02-03T04:05:06.7Z\"}").getBytes(StandardCharsets.UTF_8);
        byte[] receivedOnly = "{\"event_time\":\"not a time\",\"received_at\":\"2026-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] neither = "not json".getBytes(StandardCharsets.UTF_8);

        assertThat(BulkRequest.timeOf(both, 0, both.length, now)).isEqualTo(Instant.parse("2026-02-03T04:05:06.7Z"));
        assertThat(BulkRequest.timeOf(receivedOnly, 0, receivedOnly.length, now))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(BulkRequest.timeOf(neither, 0, neither.length, now)).isEqualTo(now);
    }

    @FunctionalInterface
    interface IoCall {
        void run() throws java.io.IOException;
    }

    private static String catchIo(IoCall call) {
        try {
            call.run();
            return "no error";
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
    }
}
