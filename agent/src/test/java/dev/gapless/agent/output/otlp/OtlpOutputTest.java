package dev.gapless.agent.output.otlp;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.gapless.agent.codec.EnvelopeEncoder;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.failpoint.Failpoints;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.input.otlp.OtlpInput;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.otlp.OtlpFields;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.common.v1.InstrumentationScope;
import dev.gapless.agent.otlp.proto.common.v1.KeyValue;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.resource.v1.Resource;
import dev.gapless.agent.output.Backoff;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.OutputStatus;
import dev.gapless.agent.output.OutputWorker;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.ByteSize;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import dev.gapless.config.output.otlp.OtlpOutputConfig;
import dev.gapless.config.output.otlp.OtlpOutputConfig.Compression;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The otlp output against a protocol-faithful OTLP/HTTP receiver ({@link OtlpTestServer}, one for the class): each
 * answer the specification names, the request as sent, and whole deliveries through an output worker over a real
 * journal; and once end to end into a real otlp input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpOutputTest {

    private static final UUID AGENT = UUID.fromString("5f0c6a1e-8d7b-4e38-9a51-2b6f0d4c7e19");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMillis(700);

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private OtlpTestServer server;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    void startServer() throws Exception {
        server = new OtlpTestServer();
    }

    @AfterAll
    void stopServer() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void reset() {
        server.received.clear();
        server.answer = r -> OtlpTestServer.OK;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        closing.clear();
    }

    private OtlpOutputConfig config(String url, Compression compression) {
        return new OtlpOutputConfig("otel", URI.create(url), Codec.JSON_LINES, TIMEOUT,
                Map.of("Authorization", "Bearer t0ken"), compression, Optional.empty(),
                new BatchConfig(100, ByteSize.ofMebibytes(1), Duration.ofMillis(1)),
                new RetryConfig(Duration.ofMillis(5), Duration.ofSeconds(2)));
    }

    private OtlpSink sink(String url) {
        OtlpSink sink = OtlpOutputFactory.sink(config(url, Compression.GZIP), loops);
        closing.add(sink);
        return sink;
    }

    private static String envelope(String kind, long seq, String message, String fields) {
        return "{\"v\":1,\"kind\":\"" + kind + "\",\"agent_id\":\"" + AGENT + "\",\"boot_id\":\"" + AGENT
                + "\",\"seq\":" + seq + ",\"host\":\"web-1\",\"source\":\"app\",\"received_at\":"
                + "\"2026-11-23T10:00:00.000000002Z\",\"event_time\":\"2026-11-23T10:00:00.000000001Z\",\"message\":"
                + JSON.valueToTree(message) + ",\"fields\":" + fields + ",\"tags\":[]}\n";
    }

    private static EncodedBatch batch(long first, String... lines) {
        byte[] b = String.join("", lines).getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(first, first + lines.length - 1, lines.length, b, b.length);
    }

    private static Outcome send(OtlpSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<LogRecord> records(ExportLogsServiceRequest r) {
        List<LogRecord> out = new ArrayList<>();
        for (ResourceLogs rl : r.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                out.addAll(sl.getLogRecordsList());
            }
        }
        return out;
    }

    private static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
        Map<String, AnyValue> m = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    @Test
    void takesAsManyBatchesAtOnceAsMaxInFlightSays() {
        OtlpOutputConfig c = config("http://127.0.0.1:9/v1/logs", Compression.GZIP);
        OtlpSink sink = OtlpOutputFactory.sink(new OtlpOutputConfig(c.id(), c.url(), c.codec(), c.timeout(),
                c.headers(), c.compression(), c.tls(), new BatchConfig(100, ByteSize.ofMebibytes(1),
                        Duration.ofMillis(1), 5), c.retry()), loops);
        closing.add(sink);
        assertThat(sink.maxInFlight()).isEqualTo(5);
    }

    @Test
    void eventsArePostedAsGzippedProtobufWithTheirEnvelopeAsAttributesAndHeartbeatsLeftOut() throws Exception {
        Outcome o = send(sink(server.url()), batch(7,
                envelope("event", 7, "GET / 200", "{\"status\":200,\"http\":{\"method\":\"GET\"}}"),
                "{\"v\":1,\"kind\":\"heartbeat\",\"agent_id\":\"" + AGENT + "\",\"seq\":8,\"heartbeat\":{}}\n",
                envelope("event", 9, "second", "{}")));

        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(server.received).hasSize(1);
        OtlpTestServer.Received got = server.received.get(0);
        assertThat(got.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(got.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(got.header("Authorization")).isEqualTo("Bearer t0ken");
        byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(got.raw())).readAllBytes();
        assertThat(ExportLogsServiceRequest.parseFrom(inflated)).isEqualTo(got.request());
        List<LogRecord> rs = records(got.request());
        assertThat(rs).extracting(r -> r.getBody().getStringValue()).containsExactly("GET / 200", "second");
        LogRecord first = rs.get(0);
        long t0 = Instant.parse("2026-11-23T10:00:00Z").getEpochSecond() * 1_000_000_000L;
        assertThat(first.getTimeUnixNano()).isEqualTo(t0 + 1);
        assertThat(first.getObservedTimeUnixNano()).isEqualTo(t0 + 2);
        Map<String, AnyValue> a = attributes(first.getAttributesList());
        assertThat(a.get(OtlpFields.AGENT_ID_ATTRIBUTE).getStringValue()).isEqualTo(AGENT.toString());
        assertThat(a.get(OtlpFields.SEQ_ATTRIBUTE).getIntValue()).isEqualTo(7);
        assertThat(a.get(OtlpFields.SOURCE_ATTRIBUTE).getStringValue()).isEqualTo("app");
        assertThat(a.get(OtlpFields.HOST_ATTRIBUTE).getStringValue()).isEqualTo("web-1");
        assertThat(a.get("status").getIntValue()).isEqualTo(200);
        assertThat(a.get("http").getKvlistValue().getValues(0).getKey()).isEqualTo("method");
        assertThat(attributes(rs.get(1).getAttributesList()).get(OtlpFields.SEQ_ATTRIBUTE).getIntValue()).isEqualTo(9);
    }

    @Test
    void aBatchOfHeartbeatsOnlyIsDeliveredWithoutARequest() throws Exception {
        Outcome o = send(sink(server.url()), batch(3,
                "{\"v\":1,\"kind\":\"heartbeat\",\"agent_id\":\"" + AGENT + "\",\"seq\":3,\"heartbeat\":{}}\n"));
        assertThat(o).isEqualTo(Outcome.DELIVERED);
        assertThat(server.received).isEmpty();
    }

    @Test
    void compressionNoneSendsPlainProtobuf() throws Exception {
        OtlpSink sink = OtlpOutputFactory.sink(config(server.url(), Compression.NONE), loops);
        closing.add(sink);
        assertThat(send(sink, batch(1, envelope("event", 1, "plain", "{}")))).isEqualTo(Outcome.DELIVERED);
        OtlpTestServer.Received got = server.received.get(0);
        assertThat(got.header("Content-Encoding")).isNull();
        assertThat(ExportLogsServiceRequest.parseFrom(got.raw())).isEqualTo(got.request());
    }

    @Test
    void otlpFieldsGoBackToTheirPlacesAndRecordsAreGroupedByResource() throws Exception {
        String otlpA = "{\"otlp\":{\"severity_number\":17,\"severity_text\":\"ERROR\",\"attributes\":{\"k\":\"v\"},"
                + "\"resource\":{\"service.name\":\"shop\"},\"scope\":{\"name\":\"lib\",\"version\":\"1.2\"},"
                + "\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\",\"span_id\":\"1112131415161718\",\"flags\":1,"
                + "\"event_name\":\"checkout\",\"observed_time_unix_nano\":\"5\"},\"extra\":true}";
        String otlpB = "{\"otlp\":{\"resource\":{\"service.name\":\"cart\"}}}";
        String otlpBad = "{\"otlp\":{\"trace_id\":\"not hex\"}}";
        send(sink(server.url()), batch(1, envelope("event", 1, "a", otlpA), envelope("event", 2, "b", otlpB),
                envelope("event", 3, "a2", otlpA), envelope("event", 4, "bad", otlpBad)));

        ExportLogsServiceRequest r = server.received.get(0).request();
        assertThat(r.getResourceLogsList()).extracting(rl -> rl.getResource().getAttributesCount() == 0 ? ""
                : rl.getResource().getAttributes(0).getValue().getStringValue()).containsExactly("shop", "cart", "");
        ResourceLogs shop = r.getResourceLogs(0);
        assertThat(shop.getScopeLogs(0).getScope().getName()).isEqualTo("lib");
        assertThat(shop.getScopeLogs(0).getScope().getVersion()).isEqualTo("1.2");
        assertThat(shop.getScopeLogs(0).getLogRecordsList()).extracting(x -> x.getBody().getStringValue())
                .containsExactly("a", "a2");
        LogRecord a = shop.getScopeLogs(0).getLogRecords(0);
        assertThat(a.getSeverityNumberValue()).isEqualTo(17);
        assertThat(a.getSeverityText()).isEqualTo("ERROR");
        assertThat(a.getEventName()).isEqualTo("checkout");
        assertThat(a.getTraceId().toByteArray()).hasSize(16).startsWith(1, 2, 3);
        assertThat(a.getSpanId().toByteArray()).hasSize(8).startsWith(0x11);
        assertThat(a.getFlags()).isEqualTo(1);
        assertThat(a.getObservedTimeUnixNano()).as("the original observed time wins").isEqualTo(5);
        Map<String, AnyValue> attrs = attributes(a.getAttributesList());
        assertThat(attrs.get("k").getStringValue()).isEqualTo("v");
        assertThat(attrs.get("extra").getBoolValue()).isTrue();
        assertThat(attrs).doesNotContainKey("otlp");
        LogRecord bad = r.getResourceLogs(2).getScopeLogs(0).getLogRecords(0);
        assertThat(bad.getTraceId().isEmpty()).isTrue();
        assertThat(attributes(bad.getAttributesList()).get("otlp").getKvlistValue().getValues(0).getKey())
                .as("not as the input writes it: kept whole as an attribute").isEqualTo("trace_id");
    }

    @Test
    void partialSuccessIsPartlyRejectedWithItsCount() throws Exception {
        server.answer = r -> OtlpTestServer.partial(2, "2 records too old");
        Outcome o = send(sink(server.url()), batch(1, envelope("event", 1, "a", "{}"),
                envelope("event", 2, "b", "{}"), envelope("event", 3, "c", "{}")));
        assertThat(o).isInstanceOfSatisfying(Outcome.PartlyRejected.class, p -> {
            assertThat(p.count()).isEqualTo(2);
            assertThat(p.reason()).contains("2 records too old");
        });
    }

    @Test
    void partialSuccessWithNothingRejectedIsAWarningAndDelivered() throws Exception {
        server.answer = r -> OtlpTestServer.partial(0, "deprecated attribute");
        assertThat(send(sink(server.url()), batch(1, envelope("event", 1, "a", "{}")))).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void badRequestWithAStatusBodyIsRejectedWithItsMessage() throws Exception {
        server.answer = r -> OtlpTestServer.failure(400, null, 3, "invalid attribute value");
        Outcome o = send(sink(server.url()), batch(1, envelope("event", 1, "a", "{}")));
        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("HTTP 400: invalid attribute value (code 3)"));
    }

    @Test
    void throttlingAndGatewayFailuresAreRetryableWithRetryAfter() throws Exception {
        OtlpSink sink = sink(server.url());
        for (int status : new int[] {429, 502, 503, 504, 401, 403, 404}) {
            server.answer = r -> OtlpTestServer.failure(status, "7", 14, "busy");
            Outcome o = send(sink, batch(1, envelope("event", 1, "a", "{}")));
            assertThat(o).as("HTTP " + status).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
                assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
                assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                assertThat(r.message()).isEqualTo("HTTP " + status + ": busy (code 14)");
            });
        }
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsARetryableTimeout() throws Exception {
        server.answer = r -> OtlpTestServer.HOLD;
        long t0 = System.nanoTime();
        Outcome o = send(sink(server.url()), batch(1, envelope("event", 1, "a", "{}")));
        assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT.multipliedBy(4));
    }

    @Test
    void aConnectionResetIsRetryable() throws Exception {
        try (ServerSocket reset = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 2; i++) { // the first try and its one retry on a fresh connection
                    try (Socket s = reset.accept()) {
                        s.getInputStream().read(new byte[1024]);
                        s.setSoLinger(true, 0); // close with RST
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.start();
            Outcome o = send(sink("http://127.0.0.1:" + reset.getLocalPort() + "/v1/logs"),
                    batch(1, envelope("event", 1, "a", "{}")));
            assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                    r -> assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE));
            reset.close();
            t.join(5000);
        }
    }

    @Test
    void aFrameThatIsNoEnvelopeRejectsTheBatch() throws Exception {
        Outcome o = send(sink(server.url()), batch(1, envelope("event", 1, "a", "{}"), "not json\n"));
        assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo("seq 2 is not a JSON envelope"));
        assertThat(server.received).isEmpty();
    }

    // --- through an output worker over a real journal

    private Journal journal(String name) throws Exception {
        Journal j = TestJournals.open(dir.resolve(name));
        closing.add(j::close);
        return j;
    }

    private OutputWorker worker(Journal journal, String url) throws Exception {
        OtlpOutputConfig config = config(url, Compression.GZIP);
        CursorStore cursor = new CursorStore(dir.resolve("otel.cursor"), true);
        OutputStatus status = new OutputStatus("otel", "otlp", url);
        OutputWorker w = new OutputWorker(new OutputWorker.Parts("otel", journal,
                OtlpOutputFactory.sink(config, loops), new EnvelopeEncoder(AGENT, "web-1", journal::durableSeq),
                cursor, dir.resolve("dead-letter").resolve("otel.ndjson"), config.batch(),
                new Backoff(config.retry()), Clock.systemUTC(), Failpoints.none(), status), cursor.load());
        closing.add(w);
        w.start();
        return w;
    }

    private static long append(Journal journal, String... messages) throws Exception {
        MessageBatch b = new MessageBatch(256);
        b.source("app");
        b.receivedAtNanos(System.currentTimeMillis() * 1_000_000);
        for (String m : messages) {
            byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
            b.add(bytes, 0, bytes.length, 0);
            byte[] fields = ("{\"n\":" + m.length() + "}").getBytes(StandardCharsets.UTF_8);
            b.fieldsOfLast(fields, 0, fields.length);
        }
        long last = journal.append(b).lastSeq();
        journal.whenDurable(last).get();
        return last;
    }

    private static List<String> lossMarkers(Journal journal) throws Exception {
        List<String> out = new ArrayList<>();
        for (JournalRecord r : TestJournals.readAll(journal, 0, journal.headSeq())) {
            if (r.kind() == RecordKind.LOSS) {
                out.add(new String(r.extra(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void partialSuccessPassesTheBatchWithOneLossMarkerDeclaringTheCount() throws Exception {
        Journal journal = journal("partial");
        long last = append(journal, "a", "b", "c", "d");
        server.answer = r -> OtlpTestServer.partial(2, "2 too old");
        OutputWorker w = worker(journal, server.url());
        await("the cursor passes the batch", () -> w.status().ackedSeq >= last);

        assertThat(server.received).as("sent once: not retried, not split").hasSize(1);
        assertThat(lossMarkers(journal)).containsExactly("{\"from_seq\":" + (last - 3) + ",\"to_seq\":" + last
                + ",\"count\":2,\"reason\":\"partial_rejected\",\"output\":\"otel\"}");
        assertThat(dir.resolve("dead-letter").resolve("otel.ndjson")).doesNotExist();
    }

    @Test
    void badRequestIsBisectedSoOnlyTheRefusedEventIsDeadLettered() throws Exception {
        Journal journal = journal("bad");
        long last = append(journal, "ok1", "poison", "ok2", "ok3");
        server.answer = r -> records(r).stream().anyMatch(x -> x.getBody().getStringValue().equals("poison"))
                ? OtlpTestServer.failure(400, null, 3, "poison") : OtlpTestServer.OK;
        OutputWorker w = worker(journal, server.url());
        await("the cursor passes the batch", () -> w.status().ackedSeq >= last);

        List<String> delivered = new ArrayList<>();
        for (OtlpTestServer.Received r : server.received) {
            if (records(r.request()).stream().noneMatch(x -> x.getBody().getStringValue().equals("poison"))) {
                records(r.request()).forEach(x -> delivered.add(x.getBody().getStringValue()));
            }
        }
        assertThat(delivered).containsExactlyInAnyOrder("ok1", "ok2", "ok3");
        List<String> dead = Files.readAllLines(dir.resolve("dead-letter").resolve("otel.ndjson"));
        assertThat(dead).singleElement().asString().contains("HTTP 400: poison (code 3)", "\\\"message\\\":\\\"poison");
        assertThat(lossMarkers(journal)).singleElement().asString()
                .contains("\"from_seq\":" + (last - 2), "\"reason\":\"rejected\"");
    }

    @Test
    void throttledBatchIsSentAgainAfterRetryAfter() throws Exception {
        Journal journal = journal("throttled");
        long last = append(journal, "a");
        List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.answer = r -> {
            at.add(System.nanoTime());
            return at.size() == 1 ? OtlpTestServer.failure(429, "1", 8, "slow down") : OtlpTestServer.OK;
        };
        OutputWorker w = worker(journal, server.url());
        await("delivered after the throttle", () -> w.status().ackedSeq >= last);
        assertThat(at).hasSize(2);
        assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(lossMarkers(journal)).isEmpty();
    }

    @Test
    void aRecordTakenByAnOtlpInputLeavesThroughTheOutputAsItCame() throws Exception {
        Journal journal = journal("roundtrip");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closing.add(() -> boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        OtlpInput input = new OtlpInput(new OtlpInputConfig("otlp-in", new HostPort("127.0.0.1", 0),
                ByteSize.ofMebibytes(1), ByteSize.ofMebibytes(4), ByteSize.ofBytes(4096), 16, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.empty()), new JournalIngest(journal, Clock.systemUTC()),
                boss, loops, Clock.systemUTC());
        input.start();
        closing.add(input::close);
        LogRecord original = LogRecord.newBuilder().setTimeUnixNano(1_795_428_000_123_456_789L)
                .setObservedTimeUnixNano(1_795_428_000_200_000_000L).setSeverityNumberValue(9)
                .setSeverityText("INFO").setEventName("login")
                .setBody(AnyValue.newBuilder().setStringValue("user logged in"))
                .addAttributes(KeyValue.newBuilder().setKey("user")
                        .setValue(AnyValue.newBuilder().setStringValue("ann")))
                .addAttributes(KeyValue.newBuilder().setKey("tries").setValue(AnyValue.newBuilder().setIntValue(2)))
                .setTraceId(ByteString.fromHex("0af7651916cd43dd8448eb211c80319c"))
                .setSpanId(ByteString.fromHex("b7ad6b7169203331")).setFlags(1).build();
        ResourceLogs sent = ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(
                        KeyValue.newBuilder().setKey("service.name").setValue(
                                AnyValue.newBuilder().setStringValue("auth"))))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(
                        InstrumentationScope.newBuilder().setName("auth.lib")
                                .setVersion("3")).addLogRecords(original)).build();
        HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + input.boundAddress() + OtlpInputConfig.PATH))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(
                        ExportLogsServiceRequest.newBuilder().addResourceLogs(sent).build().toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);

        OutputWorker w = worker(journal, server.url());
        await("forwarded", () -> !server.received.isEmpty());
        ResourceLogs got = server.received.get(0).request().getResourceLogs(0);
        assertThat(got.getResource()).isEqualTo(sent.getResource());
        assertThat(got.getScopeLogs(0).getScope()).isEqualTo(sent.getScopeLogs(0).getScope());
        LogRecord back = got.getScopeLogs(0).getLogRecords(0);
        List<KeyValue> own = back.getAttributesList().stream()
                .filter(kv -> !kv.getKey().startsWith("gapless.")).toList();
        assertThat(back.toBuilder().clearAttributes().addAllAttributes(own).build()).isEqualTo(original);
        assertThat(attributes(back.getAttributesList()).get(OtlpFields.SOURCE_ATTRIBUTE).getStringValue())
                .isEqualTo("otlp-in");
        assertThat(w.status().lastError).isNull();
    }

    @Test
    void endToEndIntoARealOtlpInput() throws Exception {
        Journal receiver = journal("receiver");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closing.add(() -> boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        OtlpInput input = new OtlpInput(new OtlpInputConfig("from-edge", new HostPort("127.0.0.1", 0),
                ByteSize.ofMebibytes(1), ByteSize.ofMebibytes(4), ByteSize.ofBytes(4096), 16, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.empty()), new JournalIngest(receiver, Clock.systemUTC()),
                boss, loops, Clock.systemUTC());
        input.start();
        closing.add(input::close);
        Journal sender = journal("sender");
        long last = append(sender, "first event", "second event", "third event");
        long receiverHead = receiver.headSeq();

        OutputWorker w = worker(sender, "http://" + input.boundAddress() + OtlpInputConfig.PATH);
        await("delivered", () -> w.status().ackedSeq >= last);

        List<JournalRecord> got = new ArrayList<>();
        for (JournalRecord r : TestJournals.readAll(receiver, receiverHead, receiver.headSeq())) {
            if (r.kind() == RecordKind.EVENT) {
                got.add(r);
            }
        }
        assertThat(TestJournals.texts(got)).containsExactly("first event", "second event", "third event");
        for (int i = 0; i < got.size(); i++) {
            JsonNode attrs = JSON.readTree(got.get(i).extra()).get("otlp").get("attributes");
            assertThat(attrs.get(OtlpFields.SEQ_ATTRIBUTE).asLong()).isEqualTo(last - 2 + i);
            assertThat(attrs.get(OtlpFields.AGENT_ID_ATTRIBUTE).asText()).isEqualTo(AGENT.toString());
            assertThat(attrs.get(OtlpFields.SOURCE_ATTRIBUTE).asText()).isEqualTo("app");
            assertThat(attrs.get("n").asInt()).isEqualTo(got.get(i).message().length);
            assertThat(got.get(i).source()).isEqualTo("from-edge");
        }
    }
}
