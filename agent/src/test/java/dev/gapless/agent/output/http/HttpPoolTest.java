package dev.gapless.agent.output.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.output.Outcome;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded connection pool of the HTTP outputs: never more than its size open, the next request waiting (and
 * timing out on its own timeout, or refused past the waiting bound), broken connections dropped and replaced, idle
 * ones kept, every request bounded by its timeout.
 */
class HttpPoolTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> closing = new ArrayList<>();
    /** Held requests go on once this opens (the test opens it, or teardown does). */
    private final CountDownLatch gate = new CountDownLatch(1);
    /** Requests the server is holding now, and the most it held at once. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger mostHeld = new AtomicInteger();
    /** The client ports the server saw: one port is one connection. */
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    @AfterEach
    void tearDown() throws Exception {
        gate.countDown();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A server on 127.0.0.1:0 that answers {@code /held} once the gate opens and everything else at once. */
    private URI serve() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(serverThreads);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ports.add(ex.getRemoteAddress().getPort());
            if (ex.getRequestURI().getPath().equals("/held")) {
                mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                held.decrementAndGet();
            }
            byte[] reply = ex.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        closing.add(() -> server.stop(0));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private HttpPool pool(URI url, int size) throws Exception {
        HttpPool pool = new HttpPool(url, Optional.empty(), Duration.ofSeconds(5), 1 << 16, size, group, "test");
        closing.add(pool);
        return pool;
    }

    private static CompletableFuture<HttpPool.Result> get(HttpPool pool, String path, Duration timeout) {
        byte[] body = path.getBytes(StandardCharsets.UTF_8);
        return pool.exchange(new HttpPool.Request(HttpMethod.POST, path, new DefaultHttpHeaders(), body, 0,
                body.length, timeout)).toCompletableFuture();
    }

    private static String answered(CompletableFuture<HttpPool.Result> f) throws Exception {
        HttpPool.Result r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.failure()).isNull();
        assertThat(r.answer().status()).isEqualTo(200);
        return new String(r.answer().body(), StandardCharsets.UTF_8);
    }

    @Test
    void neverOpensMoreThanItsSizeAndTheNextRequestWaitsForAConnection() throws Exception {
        HttpPool pool = pool(serve(), 3);
        List<CompletableFuture<HttpPool.Result>> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(get(pool, "/held", Duration.ofSeconds(20)));
        }
        TestJournals.await("three requests at the server", () -> held.get() == 3);
        assertThat(pool.openConnections()).isEqualTo(3);
        assertThat(pool.waitingRequests()).isEqualTo(2);
        assertThat(sent).noneMatch(CompletableFuture::isDone);

        gate.countDown();
        for (CompletableFuture<HttpPool.Result> f : sent) {
            assertThat(answered(f)).isEqualTo("/held");
        }
        assertThat(mostHeld.get()).isEqualTo(3);
        assertThat(ports).as("connections the server saw").hasSize(3);
        // the three stay open and idle for the next requests
        assertThat(pool.openConnections()).isEqualTo(3);
        assertThat(pool.idleConnections()).isEqualTo(3);
        assertThat(pool.waitingRequests()).isZero();
        for (int i = 0; i < 6; i++) {
            assertThat(answered(get(pool, "/next", Duration.ofSeconds(20)))).isEqualTo("/next");
        }
        assertThat(ports).hasSize(3);
        System.out.printf("pool of 3, 11 requests: %d connections, at most %d requests at the server at once%n",
                ports.size(), mostHeld.get());
    }

    @Test
    void aRequestWaitingForAConnectionTimesOutOnItsOwnTimeout() throws Exception {
        HttpPool pool = pool(serve(), 1);
        CompletableFuture<HttpPool.Result> first = get(pool, "/held", Duration.ofSeconds(20));
        TestJournals.await("the first at the server", () -> held.get() == 1);

        long start = System.nanoTime();
        HttpPool.Result second = get(pool, "/after", Duration.ofMillis(300)).get(30, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(second.failure()).isNotNull();
        assertThat(second.failure().kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(second.failure().message()).contains("300 ms").contains("no connection of 1 free");
        assertThat(tookMs).as("the timeout (300 ms) plus at most 2 s of slack").isBetween(300L, 2_300L);
        assertThat(pool.waitingRequests()).isZero();

        gate.countDown();
        assertThat(answered(first)).isEqualTo("/held");
        assertThat(answered(get(pool, "/after", Duration.ofSeconds(20)))).isEqualTo("/after");
        assertThat(ports).hasSize(1);
    }

    @Test
    void pastTheWaitingBoundARequestIsRefusedAtOnceAndTheWaitingAreStillServed() throws Exception {
        HttpPool pool = pool(serve(), 1);
        CompletableFuture<HttpPool.Result> first = get(pool, "/held", Duration.ofSeconds(30));
        TestJournals.await("the first at the server", () -> held.get() == 1);
        List<CompletableFuture<HttpPool.Result>> waiting = new ArrayList<>();
        for (int i = 0; i < HttpPool.MAX_WAITING; i++) {
            waiting.add(get(pool, "/w" + i, Duration.ofSeconds(30)));
        }
        assertThat(pool.waitingRequests()).isEqualTo(HttpPool.MAX_WAITING);

        HttpPool.Result refused = get(pool, "/refused", Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);
        assertThat(refused.failure().kind()).isEqualTo(Outcome.ErrorKind.INTERNAL);
        assertThat(refused.failure().message()).contains("all 1 connections").contains("busy");

        gate.countDown();
        assertThat(answered(first)).isEqualTo("/held");
        for (int i = 0; i < waiting.size(); i++) {
            assertThat(answered(waiting.get(i))).isEqualTo("/w" + i);
        }
        assertThat(ports).hasSize(1);
    }

    @Test
    void eachRequestIsBoundedByItsOwnTimeoutAndTheTimedOutConnectionIsDropped() throws Exception {
        HttpPool pool = pool(serve(), 2);
        long start = System.nanoTime();
        CompletableFuture<HttpPool.Result> slow = get(pool, "/held", Duration.ofMillis(1_000));
        assertThat(answered(get(pool, "/fast", Duration.ofSeconds(20)))).isEqualTo("/fast");

        HttpPool.Result r = slow.get(30, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.failure().kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(r.failure().message()).contains("no answer").contains("1000 ms");
        assertThat(tookMs).as("the timeout (1 s) plus at most 2 s of slack").isBetween(1_000L, 3_000L);
        TestJournals.await("the timed-out connection dropped", () -> pool.openConnections() == 1);
        assertThat(pool.idleConnections()).isEqualTo(1);
        assertThat(pool.answerTimeoutArmed()).isFalse();
    }

    @Test
    void aBrokenConnectionIsDroppedAndReplacedAndAnIdleOneClosedByTheServerLeavesThePool() throws Exception {
        ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        closing.add(raw);
        List<Socket> accepted = new ArrayList<>();
        closing.add(() -> {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        });
        AtomicInteger connections = new AtomicInteger();
        CountDownLatch closeIdle = new CountDownLatch(1);
        serverThreads.submit(() -> {
            while (!raw.isClosed()) {
                Socket c = raw.accept();
                synchronized (accepted) {
                    accepted.add(c);
                }
                int n = connections.incrementAndGet();
                serverThreads.submit(() -> {
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                    for (int requests = 0; requests < 100; requests++) {
                        if (!readRequest(in)) {
                            return null;
                        }
                        if (n == 1) {
                            c.close(); // the first connection breaks under its first request
                            return null;
                        }
                        c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                .getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().flush();
                        if (n == 2 && requests == 1) {
                            closeIdle.await(30, TimeUnit.SECONDS);
                            c.close(); // as an idle timeout does, after its second answer
                            return null;
                        }
                    }
                    return null;
                });
            }
            return null;
        });
        HttpPool pool = pool(URI.create("http://127.0.0.1:" + raw.getLocalPort()), 2);

        HttpPool.Result broken = get(pool, "/a", Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
        assertThat(broken.failure().kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        TestJournals.await("the broken connection dropped", () -> pool.openConnections() == 0);

        assertThat(answered(get(pool, "/b", Duration.ofSeconds(10)))).isEqualTo("ok");
        assertThat(answered(get(pool, "/c", Duration.ofSeconds(10)))).isEqualTo("ok");
        assertThat(connections.get()).as("a new connection replaced the broken one, then was kept").isEqualTo(2);
        assertThat(pool.idleConnections()).isEqualTo(1);

        closeIdle.countDown();
        TestJournals.await("the idle connection the server closed dropped", () -> pool.openConnections() == 0);
        assertThat(answered(get(pool, "/d", Duration.ofSeconds(10)))).isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(3);
    }

    /** Reads one request with a Content-Length body; false at the end of the stream. */
    private static boolean readRequest(BufferedReader in) throws Exception {
        int length = 0;
        String line = in.readLine();
        if (line == null) {
            return false;
        }
        while (line != null && !line.isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            line = in.readLine();
        }
        for (int i = 0; i < length; i++) {
            if (in.read() < 0) {
                return false;
            }
        }
        return true;
    }
}
