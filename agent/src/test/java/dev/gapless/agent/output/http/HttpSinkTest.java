package dev.gapless.agent.output.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.gapless.agent.net.TestCertificates;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.http.HttpOutputConfig;
import dev.gapless.config.tls.ClientTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSinkTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private HttpSink sink;
    private ServerSocket rawServer;
    /** Connections a raw server accepted and holds open, closed after the test. */
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    /** What the test server saw: body, headers, and the client's port (one port = one connection). */
    private final List<HttpExchangeSeen> seen = new CopyOnWriteArrayList<>();

    record HttpExchangeSeen(String body, com.sun.net.httpserver.Headers headers, int clientPort) {
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sink != null) {
            sink.close();
        }
        if (server != null) {
            server.stop(0);
        }
        if (rawServer != null) {
            rawServer.close();
        }
        for (Socket c : held) {
            c.close();
        }
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Starts the JDK's HTTP server on 127.0.0.1:0 answering with {@code answer(status, headers, body)}. */
    private URI serve(Function<HttpExchange, Integer> answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(serverThreads);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new HttpExchangeSeen(body, ex.getRequestHeaders(), ex.getRemoteAddress().getPort()));
            int status = answer.apply(ex);
            byte[] reply = status >= 300 ? ("refused " + status).getBytes(StandardCharsets.UTF_8) : new byte[0];
            ex.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ingest?x=1");
    }

    private HttpSink sink(URI url, Duration timeout, Map<String, String> headers) {
        return sink(url, timeout, headers, Optional.empty());
    }

    private HttpSink sink(URI url, Duration timeout, Map<String, String> headers, Optional<ClientTls> tls) {
        try {
            sink = new HttpSink(new HttpOutputConfig("central", url, Codec.JSON_LINES, timeout, headers,
                    Optional.empty(), tls, BatchConfig.DEFAULT, RetryConfig.DEFAULT), group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink;
    }

    private HttpSink sink(URI url) {
        return sink(url, Duration.ofSeconds(10), Map.of());
    }

    private static EncodedBatch batch(long first, String payload) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(first, first + payload.split("\n").length - 1, payload.split("\n").length, b, b.length);
    }

    private static Outcome send(HttpSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void success2xxIsDeliveredWithBodyAndConfiguredHeaders() throws Exception {
        URI url = serve(ex -> 204);
        HttpSink s = sink(url, Duration.ofSeconds(10), Map.of("Authorization", "Bearer t0k3n", "X-Tenant", "blue"));
        assertThat(send(s, batch(1, "{\"a\":1}\n{\"a\":2}\n"))).isEqualTo(Outcome.DELIVERED);
        HttpExchangeSeen x = seen.get(0);
        assertThat(x.body()).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        assertThat(x.headers().getFirst("Authorization")).isEqualTo("Bearer t0k3n");
        assertThat(x.headers().getFirst("X-Tenant")).isEqualTo("blue");
        assertThat(x.headers().getFirst("Content-Type")).isEqualTo("application/x-ndjson");
        assertThat(x.headers().getFirst("X-Gapless-Seq-Range")).isEqualTo("1-2");
    }

    @Test
    void overHttpsTheServerIsCheckedAgainstCaFile(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.in(dir);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(certs.jdkServer()));
        https.setExecutor(serverThreads);
        https.createContext("/", ex -> {
            seen.add(new HttpExchangeSeen(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    ex.getRequestHeaders(), ex.getRemoteAddress().getPort()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        https.start();
        server = https;
        URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/ingest");
        ClientTls trusted = new ClientTls(Optional.of(certs.caFile), Optional.empty(), Optional.empty(), true,
                Optional.empty());

        assertThat(send(sink(url, Duration.ofSeconds(10), Map.of(), Optional.of(trusted)), batch(1, "{\"a\":1}\n")))
                .isEqualTo(Outcome.DELIVERED);
        assertThat(seen).extracting(HttpExchangeSeen::body).containsExactly("{\"a\":1}\n");
        sink.close();
        // the JVM's trust store does not know the test CA: the destination is not trusted, retried, never sent to
        assertThat(send(sink(url, Duration.ofSeconds(10), Map.of(), Optional.of(ClientTls.DEFAULT)),
                batch(2, "{\"a\":2}\n"))).isInstanceOfSatisfying(Outcome.Retryable.class,
                        r -> assertThat(r.message()).contains("certification path"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void unavailableAndTooManyRequestsAreRetryableWithRetryAfter() throws Exception {
        int[] status = {503};
        URI url = serve(ex -> {
            ex.getResponseHeaders().set("Retry-After", "7");
            return status[0];
        });
        HttpSink s = sink(url);
        Outcome o = send(s, batch(1, "x\n"));
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        Outcome.Retryable r = (Outcome.Retryable) o;
        assertThat(r.kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(r.message()).contains("503");
        status[0] = 429;
        Outcome.Retryable r2 = (Outcome.Retryable) send(s, batch(1, "x\n"));
        assertThat(r2.kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(r2.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void badRequestIsRejectedButUnauthorizedIsRetriedSinceTheEventsAreNotAtFault() throws Exception {
        int[] status = {400};
        URI url = serve(ex -> status[0]);
        HttpSink s = sink(url);
        Outcome o = send(s, batch(1, "x\n"));
        assertThat(o).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) o).reason()).isEqualTo("HTTP 400: refused 400");
        status[0] = 413;
        assertThat(send(s, batch(1, "x\n"))).isInstanceOf(Outcome.Rejected.class);
        for (int code : new int[] {401, 403, 404, 407}) {
            status[0] = code;
            Outcome retry = send(s, batch(1, "x\n"));
            assertThat(retry).as("HTTP %d", code).isInstanceOf(Outcome.Retryable.class);
            assertThat(((Outcome.Retryable) retry).kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        }
    }

    @Test
    void connectionRefusedIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Outcome o = send(sink(URI.create("http://127.0.0.1:" + port + "/")), batch(1, "x\n"));
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
    }

    @Test
    void serverThatNeverAnswersTimesOutWithinTheTimeout() throws Exception {
        rawServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress()); // the kernel accepts; nobody answers
        HttpSink s = sink(URI.create("http://127.0.0.1:" + rawServer.getLocalPort() + "/"), Duration.ofMillis(300),
                Map.of());
        long start = System.nanoTime();
        Outcome o = send(s, batch(1, "x\n"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(tookMs).isBetween(250L, 5_000L);
    }

    @Test
    void serverThatAcceptsAndReadsButNeverAnswersIsARetryableTimeoutWithinTheTimeout() throws Exception {
        rawServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        List<String> bodies = new CopyOnWriteArrayList<>();
        serverThreads.submit(() -> {
            Socket c = rawServer.accept();
            held.add(c);
            bodies.add(readRequestBody(c.getInputStream()));
            return null;
        });
        Outcome.Retryable r = timesOut(URI.create("http://127.0.0.1:" + rawServer.getLocalPort() + "/"));
        assertThat(r.message()).contains("no answer").contains("300 ms");
        assertThat(bodies).containsExactly("x\n");
    }

    @Test
    void answerThatNeverCompletesIsATimeoutThoughBytesArrived() throws Exception {
        rawServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        serverThreads.submit(() -> {
            Socket c = rawServer.accept();
            held.add(c);
            readRequestBody(c.getInputStream());
            // The status line, the headers and part of the body: never the full answer.
            c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"
                    .getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            return null;
        });
        timesOut(URI.create("http://127.0.0.1:" + rawServer.getLocalPort() + "/"));
    }

    /** Sends one batch with a 300 ms timeout and checks it ends as a TIMEOUT no sooner, and not much later. */
    private Outcome.Retryable timesOut(URI url) throws Exception {
        HttpSink s = sink(url, Duration.ofMillis(300), Map.of());
        long start = System.nanoTime();
        Outcome o = send(s, batch(1, "x\n"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(tookMs).as("the timeout (300 ms) plus at most 2 s of slack").isBetween(300L, 2_300L);
        return (Outcome.Retryable) o;
    }

    @Test
    void keptAliveConnectionHasNoAnswerTimeoutBetweenBatches() throws Exception {
        HttpSink s = sink(serve(ex -> 200), Duration.ofMillis(300), Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(send(s, batch(i + 1, "e" + i + "\n"))).isEqualTo(Outcome.DELIVERED);
            assertThat(s.answerTimeoutArmed()).as("after answer %d", i).isFalse();
        }
        assertThat(seen.stream().map(HttpExchangeSeen::clientPort).distinct()).hasSize(1);
    }

    @Test
    void keepAliveReusesOneConnectionAcrossBatches() throws Exception {
        HttpSink s = sink(serve(ex -> 200));
        for (int i = 0; i < 5; i++) {
            assertThat(send(s, batch(i + 1, "e" + i + "\n"))).isEqualTo(Outcome.DELIVERED);
        }
        assertThat(seen).hasSize(5);
        assertThat(seen.stream().map(HttpExchangeSeen::clientPort).distinct()).hasSize(1);
    }

    @Test
    void serverClosingTheKeptAliveConnectionBetweenBatchesIsHandled() throws Exception {
        rawServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        List<String> bodies = new CopyOnWriteArrayList<>();
        serverThreads.submit(() -> {
            while (!rawServer.isClosed()) {
                try (Socket c = rawServer.accept()) {
                    bodies.add(readRequestBody(c.getInputStream()));
                    // Answers keep-alive (no Connection: close), then closes anyway, as idle timeouts do.
                    c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                }
            }
            return null;
        });
        HttpSink s = sink(URI.create("http://127.0.0.1:" + rawServer.getLocalPort() + "/"));
        for (int i = 0; i < 4; i++) {
            assertThat(send(s, batch(i + 1, "b" + i + "\n"))).as("batch " + i).isEqualTo(Outcome.DELIVERED);
        }
        assertThat(bodies).containsExactly("b0\n", "b1\n", "b2\n", "b3\n");
    }

    private static String readRequestBody(InputStream in) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        int length = 0;
        String line;
        while ((line = r.readLine()) != null && !line.isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            n += r.read(body, n, length - n);
        }
        return new String(body);
    }

    @Test
    void classifiesStatuses() {
        assertThat(HttpSink.classify(200, null, "")).isEqualTo(Outcome.DELIVERED);
        assertThat(HttpSink.classify(299, null, "")).isEqualTo(Outcome.DELIVERED);
        assertThat(HttpSink.classify(408, null, "")).isInstanceOf(Outcome.Retryable.class);
        assertThat(HttpSink.classify(500, "soon", "")).isInstanceOf(Outcome.Retryable.class)
                .extracting(o -> ((Outcome.Retryable) o).retryAfter()).isNull();
        assertThat(HttpSink.classify(413, null, "")).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void informationalAndRedirectStatusesAreRetriedNeverDeadLettered() {
        for (int status : new int[] {100, 101, 199, 300, 301, 302, 307, 308, 399}) {
            assertThat(HttpSink.classify(status, null, "")).as("HTTP %d", status)
                    .isInstanceOf(Outcome.Retryable.class)
                    .extracting(o -> ((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        }
    }
}
