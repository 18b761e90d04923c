package dev.gapless.agent.output.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sink over UDP and plain TCP against sockets of the JDK's, and a record that is not an envelope. */
class SyslogSinkTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private SyslogSink sink;

    @AfterEach
    void tearDown() {
        if (sink != null) {
            sink.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Outcome send(SyslogSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void udpSendsADatagramPerMessageCutAtTheBound() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            sink = new SyslogSink(Envelopes.config(Protocol.UDP, new HostPort("127.0.0.1", socket.getLocalPort()),
                    Optional.empty(), 8, Duration.ofSeconds(5), ByteSize.ofBytes(1024)), group);
            EncodedBatch batch = Envelopes.batch(Envelopes.event(1, "one", null),
                    Envelopes.event(2, "x".repeat(3000), null), Envelopes.event(3, "three", null));

            assertThat(send(sink, batch)).isEqualTo(Outcome.DELIVERED);

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                socket.receive(p);
                assertThat(p.getLength()).isLessThanOrEqualTo(1024);
                got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            }
            assertThat(got).extracting(Envelopes::seqOf).containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(got).filteredOn(m -> m.contains("truncated=")).hasSize(1);
            assertThat(sink.truncated()).isEqualTo(1);
        }
    }

    @Test
    void tcpWritesOctetCountedFramesOnOneConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            sink = new SyslogSink(Envelopes.config(Protocol.TCP, new HostPort("127.0.0.1", server.getLocalPort()),
                    Optional.empty(), 8, Duration.ofSeconds(5), ByteSize.ofKibibytes(8)), group);

            assertThat(send(sink, Envelopes.events(1, 10, "é"))).isEqualTo(Outcome.DELIVERED);
            assertThat(send(sink, Envelopes.events(11, 10, "b"))).isEqualTo(Outcome.DELIVERED);

            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                for (long seq = 1; seq <= 20; seq++) {
                    String m = frame(in);
                    assertThat(Envelopes.seqOf(m)).isEqualTo(seq);
                    assertThat(m).endsWith(" " + (seq <= 10 ? "é" : "b") + "-" + seq);
                }
            }
        }
    }

    /** Reads one {@code LEN SP MSG} frame. */
    private static String frame(DataInputStream in) throws Exception {
        int len = 0;
        for (int c = in.read(); c != ' '; c = in.read()) {
            assertThat(c).as("a digit of MSG-LEN").isBetween((int) '0', (int) '9');
            len = len * 10 + (c - '0');
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aRecordThatIsNotAnEnvelopeRejectsTheBatchWithoutSending() throws Exception {
        sink = new SyslogSink(Envelopes.config(Protocol.UDP, new HostPort("127.0.0.1", 9), Optional.empty(), 8,
                Duration.ofSeconds(5), ByteSize.ofBytes(2048)), group);
        byte[] bad = "not json\n".getBytes(StandardCharsets.UTF_8);

        Outcome o = send(sink, new EncodedBatch(4, 4, 1, bad, bad.length));

        assertThat(o).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) o).reason()).contains("record 4 is not a JSON envelope");
    }
}
