package dev.gapless.agent.input.otlp;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceResponse;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import dev.gapless.agent.otlp.proto.logs.v1.LogRecord;
import dev.gapless.agent.otlp.proto.logs.v1.ResourceLogs;
import dev.gapless.agent.otlp.proto.logs.v1.ScopeLogs;
import dev.gapless.agent.otlp.proto.rpc.Status;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.otlp.OtlpInputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real otlp input over a real journal for the whole class: the OpenTelemetry Java SDK's OTLP/HTTP exporter
 * (protobuf, gzip) and hand-made requests for OTLP/JSON and every refusal, each record read back from the journal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpInputTest {

    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_INFLATED = 256 * 1024;
    private static final int MAX_EVENT = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Journal journal;
    private OtlpInput input;
    private String url;

    @BeforeAll
    void start() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        OtlpInputConfig config = new OtlpInputConfig("otel", new HostPort("127.0.0.1", 0), ByteSize.ofBytes(MAX_BODY),
                ByteSize.ofBytes(MAX_INFLATED), ByteSize.ofBytes(MAX_EVENT), 16, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.empty());
        input = new OtlpInput(config, new JournalIngest(journal, Clock.systemUTC()), boss, workers,
                Clock.systemUTC());
        input.start();
        url = "http://" + input.boundAddress() + OtlpInputConfig.PATH;
    }

    @AfterAll
    void stop() {
        input.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        journal.close();
    }

    private List<JournalRecord> since(long head) throws Exception {
        assertThat(journal.durableSeq()).as("durable before the answer").isGreaterThanOrEqualTo(journal.headSeq());
        return TestJournals.readAll(journal, head, journal.headSeq());
    }

    private HttpResponse<byte[]> post(String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static JsonNode otlp(JournalRecord r) throws Exception {
        return JSON.readTree(r.extra()).get("otlp");
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static LogRecord record(String body) {
        return LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body)).build();
    }

    private static ExportLogsServiceRequest request(LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records)))).build();
    }

    @Test
    void theJavaSdkExporterDeliversRecordsThatReadBackWithTheirFields() throws Exception {
        long head = journal.headSeq();
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(url)
                .setCompression("gzip").setTimeout(Duration.ofSeconds(10)).build();
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
        try {
            Logger logger = provider.loggerBuilder("shop.orders").setInstrumentationVersion("1.2.3").build();
            SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                    TraceFlags.getSampled(), TraceState.getDefault());
            Instant at = Instant.parse("2026-11-23T10:00:00.123456789Z");
            logger.logRecordBuilder().setBody("payment declined").setSeverity(Severity.WARN).setSeverityText("WARN")
                    .setAttribute(AttributeKey.longKey("order.id"), 42L)
                    .setAttribute(AttributeKey.stringKey("reason"), "card expired")
                    .setTimestamp(at).setContext(Context.root().with(Span.wrap(span))).emit();
            logger.logRecordBuilder().setBody("second").setSeverity(Severity.INFO).emit();
            assertThat(provider.forceFlush().join(15, TimeUnit.SECONDS).isSuccess()).as("exported").isTrue();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }

        // The SDK's simple processor exports each record on its own, concurrently: their order is not the emit order.
        List<JournalRecord> records = new ArrayList<>(since(head));
        records.sort(Comparator.comparing((JournalRecord r) -> text(r.message())));
        assertThat(records).extracting(r -> text(r.message())).containsExactly("payment declined", "second");
        assertThat(records).extracting(JournalRecord::source).containsOnly("otel");
        JournalRecord first = records.get(0);
        assertThat(first.eventTimeNanos()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z").getEpochSecond()
                * 1_000_000_000L + 123_456_789);
        JsonNode o = otlp(first);
        assertThat(o.get("severity_number").asInt()).isEqualTo(13);
        assertThat(o.get("severity_text").asText()).isEqualTo("WARN");
        assertThat(o.get("attributes").toString()).isEqualTo("{\"order.id\":42,\"reason\":\"card expired\"}");
        assertThat(o.get("resource").get("service.name").asText()).isEqualTo("checkout");
        assertThat(o.get("scope").toString()).isEqualTo("{\"name\":\"shop.orders\",\"version\":\"1.2.3\"}");
        assertThat(o.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(o.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(o.get("flags").asInt()).isEqualTo(1);
        assertThat(otlp(records.get(1)).has("trace_id")).isFalse();
        await("accepted counted", () -> input.stats().accepted.sum() >= 2);
    }

    @Test
    void otlpJsonWithHexIdsEnumIntsAndAStructuredBodyIsTakenGzipped() throws Exception {
        long head = journal.headSeq();
        String body = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"js\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"s\"},\"logRecords\":["
                + "{\"timeUnixNano\":\"1700000000000000001\",\"severityNumber\":17,\"body\":{\"kvlistValue\":"
                + "{\"values\":[{\"key\":\"a\",\"value\":{\"intValue\":\"7\"}},{\"key\":\"b\",\"value\":{\"arrayValue\":"
                + "{\"values\":[{\"boolValue\":true},{\"doubleValue\":1.5}]}}}]}},"
                + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
                + "\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"AAE=\"}}],\"futureField\":1},"
                + "{\"observedTimeUnixNano\":1700000000000000002,\"body\":{\"stringValue\":\"plain\"}},"
                + "{\"severityNumber\":\"SEVERITY_NUMBER_ERROR\"}]}]}]}";

        HttpResponse<byte[]> r = post("application/json", gzip(body.getBytes(StandardCharsets.UTF_8)),
                "Content-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r.body())).isEqualTo("{}\n");
        List<JournalRecord> records = since(head);
        assertThat(records).extracting(x -> text(x.message()))
                .containsExactly("{\"a\":7,\"b\":[true,1.5]}", "plain", "");
        assertThat(records.get(0).eventTimeNanos()).isEqualTo(1700000000000000001L);
        assertThat(records.get(1).eventTimeNanos()).isEqualTo(1700000000000000002L);
        JsonNode o = otlp(records.get(0));
        assertThat(o.get("trace_id").asText()).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(o.get("span_id").asText()).isEqualTo("eee19b7ec3c1b174");
        assertThat(o.get("severity_number").asInt()).isEqualTo(17);
        assertThat(o.get("attributes").toString()).isEqualTo("{\"k\":\"AAE=\"}");
        assertThat(o.get("resource").toString()).isEqualTo("{\"service.name\":\"js\"}");
        assertThat(otlp(records.get(2)).get("severity_number").asInt()).isEqualTo(17);
    }

    @Test
    void aMalformedProtobufBodyIs400WithAStatusAndTheNextRequestIsTaken() throws Exception {
        long head = journal.headSeq();
        long rejected = input.stats().rejected.sum();

        HttpResponse<byte[]> bad = post("application/x-protobuf", new byte[] {0x0a, 0x7f, 0x01});

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/x-protobuf");
        Status status = Status.parseFrom(bad.body());
        assertThat(status.getCode()).isEqualTo(3);
        assertThat(status.getMessage()).startsWith("not an ExportLogsServiceRequest");
        assertThat(journal.headSeq()).as("nothing taken").isEqualTo(head);
        assertThat(input.stats().rejected.sum()).isEqualTo(rejected + 1);

        HttpResponse<byte[]> good = post("application/x-protobuf", request(record("after")).toByteArray());
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(ExportLogsServiceResponse.parseFrom(good.body()).hasPartialSuccess()).isFalse();
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("after");
    }

    @Test
    void malformedOtlpJsonIs400NamingThePlaceAndNothingIsTaken() throws Exception {
        long head = journal.headSeq();
        String[][] cases = {
            {"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"W7jv95gDgQPSabYzgT/GDA==\"}]}]}]}",
                "resourceLogs[0].scopeLogs[0].logRecords[0].traceId must be 32 hex digits"},
            {"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"spanId\":\"zzzzzzzzzzzzzzzz\"}]}]}]}",
                "spanId must be hex"},
            {"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}",
                "timeUnixNano must be an integer"},
            {"{\"resourceLogs\":{}}", "resourceLogs must be an array"},
            {"[1,2]", "must be a JSON object"},
            {"{\"resourceLogs\":[", "invalid JSON"},
        };
        for (String[] c : cases) {
            HttpResponse<byte[]> r = post("application/json", c[0].getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode status = JSON.readTree(r.body());
            assertThat(status.get("code").asInt()).isEqualTo(3);
            assertThat(status.get("message").asText()).as(c[0]).contains(c[1]);
        }
        assertThat(journal.headSeq()).as("nothing taken").isEqualTo(head);
    }

    @Test
    void aRecordOverMaxEventBytesIsRefusedAloneInPartialSuccessAndTheOthersAreTaken() throws Exception {
        long head = journal.headSeq();
        long rejected = input.stats().rejected.sum();
        ExportLogsServiceRequest req = request(record("before"), record("x".repeat(MAX_EVENT + 1)), record("after"));

        HttpResponse<byte[]> r = post("application/x-protobuf", req.toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        ExportLogsServiceResponse answer = ExportLogsServiceResponse.parseFrom(r.body());
        assertThat(answer.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertThat(answer.getPartialSuccess().getErrorMessage())
                .contains("resourceLogs[0].scopeLogs[0].logRecords[1]", "max_event_bytes (2048)");
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("before", "after");
        assertThat(input.stats().rejected.sum()).isEqualTo(rejected + 1);

        String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\""
                + "y".repeat(MAX_EVENT + 1) + "\"}}]}]}]}";
        HttpResponse<byte[]> j = post("application/json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(j.statusCode()).isEqualTo(200);
        JsonNode partial = JSON.readTree(j.body()).get("partialSuccess");
        assertThat(partial.get("rejectedLogRecords").asLong()).isEqualTo(1);
        assertThat(partial.get("errorMessage").asText()).contains("max_event_bytes");
    }

    @Test
    void refusalsOfTheWholeRequestSayWhyAndTakeNothing() throws Exception {
        long head = journal.headSeq();
        byte[] ok = request(record("never")).toByteArray();

        assertThat(post("text/plain", ok).statusCode()).isEqualTo(415);
        assertThat(post("application/x-protobuf", ok, "Content-Encoding", "br").statusCode()).isEqualTo(415);
        HttpResponse<byte[]> notGzip = post("application/x-protobuf", ok, "Content-Encoding", "gzip");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(Status.parseFrom(notGzip.body()).getMessage()).startsWith("invalid gzip body");
        HttpResponse<byte[]> bomb = post("application/x-protobuf", gzip(new byte[MAX_INFLATED + 1]),
                "Content-Encoding", "gzip");
        assertThat(bomb.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(bomb.body()).getMessage()).contains("max_decompressed_bytes");
        assertThat(post("application/x-protobuf", new byte[MAX_BODY + 1]).statusCode()).isEqualTo(413);
        HttpResponse<byte[]> path = client.send(HttpRequest.newBuilder(URI.create(url.replace("/v1/logs",
                "/v1/traces"))).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ok)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(path.statusCode()).isEqualTo(404);
        HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(journal.headSeq()).as("nothing taken").isEqualTo(head);

        assertThat(post("application/x-protobuf", request(record("still open")).toByteArray()).statusCode())
                .isEqualTo(200);
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("still open");
    }

    @Test
    void aBodyPastTheLimitIsAnsweredBeforeItEndsAndTheConnectionGoesOnOnceItHasArrived() throws Exception {
        // The client reads the 413 while half its body is still unsent, then sends the rest on the same
        // connection and a good request after it: answered 200. A connection closed at the 413 (with the body
        // still arriving, so the kernel resets it) can lose the answer, and could not take the second request.
        long head = journal.headSeq();
        String hostPort = input.boundAddress();
        int colon = hostPort.lastIndexOf(':');
        byte[] good = request(record("after the refusal")).toByteArray();
        try (java.net.Socket socket = new java.net.Socket(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)))) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            int length = 4 * MAX_BODY;
            out.write(("POST " + OtlpInputConfig.PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf"
                    + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[length / 2]);
            out.flush();
            String refused = response(in);
            assertThat(refused).startsWith("HTTP/1.1 413").doesNotContainIgnoringCase("connection: close");
            out.write(new byte[length / 2]);
            out.write(("POST " + OtlpInputConfig.PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf"
                    + "\r\nContent-Length: " + good.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(good);
            out.flush();
            assertThat(response(in)).startsWith("HTTP/1.1 200");
        }
        assertThat(since(head)).extracting(x -> text(x.message())).containsExactly("after the refusal");
    }

    /** One HTTP response read off a socket: its head, then as many body bytes as its Content-Length says. */
    private static String response(java.io.InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the connection ended before a whole answer: %s", head).isNotNegative();
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        assertThat(in.readNBytes(Integer.parseInt(m.group(1)))).hasSize(Integer.parseInt(m.group(1)));
        return text;
    }

    @Test
    void anEmptyRequestIsSuccessWithNothingTaken() throws Exception {
        long head = journal.headSeq();
        HttpResponse<byte[]> r = post("application/x-protobuf", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ExportLogsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        assertThat(journal.headSeq()).isEqualTo(head);
    }

    @Test
    void aBytesBodyAndIdsReadBackAsBase64AndHex() throws Exception {
        long head = journal.headSeq();
        LogRecord lr = LogRecord.newBuilder().setBody(AnyValue.newBuilder()
                        .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0})))
                .setTraceId(ByteString.copyFrom(new byte[16])).build();
        assertThat(post("application/x-protobuf", request(lr).toByteArray()).statusCode()).isEqualTo(200);
        JournalRecord rec = since(head).get(0);
        assertThat(text(rec.message())).isEqualTo("\"/wA=\"");
        assertThat(otlp(rec).get("trace_id").asText()).isEqualTo("0".repeat(32));
    }
}
