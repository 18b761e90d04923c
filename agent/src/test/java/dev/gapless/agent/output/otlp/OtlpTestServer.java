package dev.gapless.agent.output.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsPartialSuccess;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceResponse;
import dev.gapless.agent.otlp.proto.rpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP logs receiver as the OTLP specification describes it (protocol/otlp.md, "OTLP/HTTP"): {@code POST
 * /v1/logs} with a protobuf {@code ExportLogsServiceRequest}, optionally gzip'd; success is 200 with an
 * {@code ExportLogsServiceResponse} (which may carry {@code partial_success}); a failure is its status with a
 * {@code google.rpc.Status} body; a body that does not decode is 400; an unsupported content type 415; another path
 * 404. What it answers to a well-formed request is the test's ({@link #answer}); every request is kept.
 */
final class OtlpTestServer implements AutoCloseable {

    /** One request as received. */
    record Received(Map<String, List<String>> headers, byte[] raw, ExportLogsServiceRequest request) {
        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer: status, {@code Retry-After} (or null), protobuf body; {@code hold}: answer only after release. */
    record Answer(int status, String retryAfter, MessageLite body, boolean hold) {
    }

    static final Answer OK = new Answer(200, null, ExportLogsServiceResponse.getDefaultInstance(), false);

    static Answer partial(long rejected, String message) {
        return new Answer(200, null, ExportLogsServiceResponse.newBuilder().setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(message))
                .build(), false);
    }

    static Answer failure(int status, String retryAfter, int code, String message) {
        return new Answer(status, retryAfter, Status.newBuilder().setCode(code).setMessage(message).build(), false);
    }

    static final Answer HOLD = new Answer(200, null, ExportLogsServiceResponse.getDefaultInstance(), true);

    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile Function<ExportLogsServiceRequest, Answer> answer = r -> OK;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final CountDownLatch released = new CountDownLatch(1);

    OtlpTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/logs";
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] raw = x.getRequestBody().readAllBytes();
            if (!x.getRequestURI().getPath().equals("/v1/logs") || !x.getRequestMethod().equals("POST")) {
                send(x, failure(404, null, 5, "no such path"));
                return;
            }
            String type = x.getRequestHeaders().getFirst("Content-Type");
            if (!"application/x-protobuf".equals(type)) {
                send(x, failure(415, null, 3, "unsupported content type " + type));
                return;
            }
            ExportLogsServiceRequest request;
            try {
                InputStream in = new ByteArrayInputStream(raw);
                if ("gzip".equals(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                request = ExportLogsServiceRequest.parseFrom(in.readAllBytes());
            } catch (InvalidProtocolBufferException | java.util.zip.ZipException e) {
                send(x, failure(400, null, 3, "cannot decode the request: " + e.getMessage()));
                return;
            }
            received.add(new Received(Map.copyOf(x.getRequestHeaders()), raw, request));
            Answer a = answer.apply(request);
            if (a.hold()) {
                try {
                    released.await(30, TimeUnit.SECONDS); // bounded: close() releases it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(x, a);
        }
    }

    private static void send(HttpExchange x, Answer a) throws IOException {
        byte[] body = a.body().toByteArray();
        x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        if (a.retryAfter() != null) {
            x.getResponseHeaders().set("Retry-After", a.retryAfter());
        }
        x.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
