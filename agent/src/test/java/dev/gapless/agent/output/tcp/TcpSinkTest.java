package dev.gapless.agent.output.tcp;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.BatchConfig;
import dev.gapless.config.Codec;
import dev.gapless.config.HostPort;
import dev.gapless.config.RetryConfig;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpSinkTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ServerSocket server;
    private TcpSink sink;
    /** Connections the test server accepted and holds open, closed after the test. */
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (sink != null) {
            sink.close();
        }
        if (server != null) {
            server.close();
        }
        for (Socket c : held) {
            c.close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TcpSink sink(int port) {
        return sink(port, TcpOutputConfig.DEFAULT_WRITE_TIMEOUT);
    }

    private TcpSink sink(int port, Duration writeTimeout) {
        sink = new TcpSink(new TcpOutputConfig("fwd", new HostPort("127.0.0.1", port), Codec.LINE,
                Duration.ofSeconds(2), writeTimeout, BatchConfig.DEFAULT, RetryConfig.DEFAULT), group);
        return sink;
    }

    private static EncodedBatch batch(String payload) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(1, 1, 1, b, b.length);
    }

    private static Outcome send(TcpSink s, String payload) throws Exception {
        return s.send(batch(payload)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Accepts one connection and reads until {@code expected} bytes arrived or the peer closed. */
    private Future<String> receive(ServerSocket on, int expected) {
        return threads.submit(() -> {
            try (Socket c = on.accept()) {
                InputStream in = c.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                int n;
                while (got.size() < expected && (n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
                return got.toString(StandardCharsets.UTF_8);
            }
        });
    }

    @Test
    void deliversBytesOverOneConnection() throws Exception {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Future<String> got = receive(server, 12);
        TcpSink s = sink(server.getLocalPort());
        assertThat(send(s, "one\ntwo\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(send(s, "six\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("one\ntwo\nsix\n");
    }

    @Test
    void peerDownIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Outcome o = send(sink(port), "x\n");
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
    }

    @Test
    void peerThatNeverReadsFailsTheWriteAsARetryableTimeoutWithinTheWriteTimeout() throws Exception {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096); // before bind: the window it offers stays small (no autotuning)
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        threads.submit(() -> held.add(server.accept())); // accepted, never read
        TcpSink s = sink(server.getLocalPort(), Duration.ofMillis(300));
        // Far more than the peer's window and our socket's send buffer together can hold.
        byte[] payload = new byte[32 << 20];
        Arrays.fill(payload, (byte) 'x');
        long start = System.nanoTime();
        Outcome o = s.send(new EncodedBatch(1, 1, 1, payload, payload.length)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(((Outcome.Retryable) o).message()).contains("not done in 300 ms");
        assertThat(tookMs).as("the write timeout (300 ms) plus at most 2 s of slack").isBetween(300L, 2_300L);
        await("the sink dropped the connection", () -> !s.connected());
    }

    @Test
    void reconnectsAfterThePeerReturns() throws Exception {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        int port = server.getLocalPort();
        Future<String> first = receive(server, 6);
        TcpSink s = sink(port);
        assertThat(send(s, "first\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first\n");
        server.close(); // the peer goes away: its accepted connection was closed by receive()
        await("the sink saw the peer close", () -> !s.connected());
        Outcome down = send(s, "lost?\n");
        assertThat(down).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) down).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);

        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        Future<String> second = receive(server, 6);
        assertThat(send(s, "again\n")).isEqualTo(Outcome.DELIVERED);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("again\n");
    }
}
