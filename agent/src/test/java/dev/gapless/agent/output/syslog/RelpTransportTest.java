package dev.gapless.agent.output.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.HostPort;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import dev.gapless.config.output.syslog.SyslogOutputConfig.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RELP client against {@link RelpTestServer}: the window, answers in order, and each failure RELP names (a
 * {@code 500}, {@code serverclose}, a reset mid-window, silence) ending the send retryable, after which the resend
 * delivers every seq, repeating at most what was unanswered.
 */
class RelpTransportTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final RelpTestServer server = new RelpTestServer(group);
    private SyslogSink sink;

    @AfterEach
    void tearDown() {
        if (sink != null) {
            sink.close();
        }
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private SyslogSink sink(int window, Duration timeout) throws Exception {
        SyslogOutputConfig c = Envelopes.config(Protocol.RELP, new HostPort("127.0.0.1", server.port()),
                Optional.empty(), window, timeout, SyslogOutputConfig.DEFAULT_MAX_MESSAGE_BYTES_STREAM);
        sink = new SyslogSink(c, group);
        return sink;
    }

    private static Outcome send(SyslogSink sink, EncodedBatch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** How often the server received each seq. */
    private TreeMap<Long, Integer> seen() {
        TreeMap<Long, Integer> seen = new TreeMap<>();
        for (String m : server.received) {
            seen.merge(Envelopes.seqOf(m), 1, Integer::sum);
        }
        return seen;
    }

    private void assertEverySeqOnce(long from, long to, int maxDuplicates) {
        TreeMap<Long, Integer> seen = seen();
        for (long s = from; s <= to; s++) {
            assertThat(seen.get(s)).as("seq %d arrived", s).isNotNull();
        }
        int duplicates = server.received.size() - seen.size();
        assertThat(duplicates).as("duplicates").isLessThanOrEqualTo(maxDuplicates);
        assertThat(server.protocolErrors).isEmpty();
        System.out.printf("relp: %d seqs, %d received, %d duplicates, %d sessions%n", to - from + 1,
                server.received.size(), duplicates, server.sessions.get());
    }

    @Test
    void deliversEveryMessageInOrderNeverPastTheWindow() throws Exception {
        server.holdUntil = 8;
        SyslogSink s = sink(8, Duration.ofSeconds(5));

        assertThat(send(s, Envelopes.events(1, 100, "a"))).isEqualTo(Outcome.DELIVERED);
        assertThat(send(s, Envelopes.events(101, 50, "b"))).isEqualTo(Outcome.DELIVERED);

        assertEverySeqOnce(1, 150, 0);
        for (int i = 0; i < server.received.size(); i++) {
            assertThat(Envelopes.seqOf(server.received.get(i))).isEqualTo(i + 1);
        }
        assertThat(server.maxUnanswered.get()).isLessThanOrEqualTo(8).isGreaterThan(1);
        assertThat(server.sessions.get()).as("one session kept for both batches").isEqualTo(1);
        assertThat(server.commands.get(0)).isEqualTo("open");
    }

    @Test
    void aRefusalPastTheServersWindowIsRetryableNeverADrop() throws Exception {
        server.holdUntil = 16;
        server.limit = 8;
        SyslogSink s = sink(16, Duration.ofSeconds(5));

        Outcome o = send(s, Envelopes.events(1, 40, "a"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.REFUSED);
        assertThat(((Outcome.Retryable) o).message()).contains("500 window exceeded");
    }

    @Test
    void a500IsRetriedAndTheResendRepeatsNoAnsweredMessage() throws Exception {
        server.holdUntil = 1;
        server.refuseOnce = 30;
        SyslogSink s = sink(16, Duration.ofSeconds(5));
        EncodedBatch batch = Envelopes.events(1, 100, "a");

        Outcome first = send(s, batch);
        assertThat(first).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) first).message()).contains("seq 30").contains("500 not now");
        assertThat(send(s, batch)).isEqualTo(Outcome.DELIVERED);

        assertEverySeqOnce(1, 100, 16);
        assertThat(server.sessions.get()).isEqualTo(2);
    }

    @Test
    void serverCloseMidBatchIsRetriedOnANewSession() throws Exception {
        server.holdUntil = 4;
        server.serverCloseOnce = 50;
        SyslogSink s = sink(8, Duration.ofSeconds(5));
        EncodedBatch batch = Envelopes.events(1, 100, "a");

        Outcome first = send(s, batch);
        assertThat(first).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) first).message()).contains("serverclose");
        assertThat(send(s, batch)).isEqualTo(Outcome.DELIVERED);

        assertEverySeqOnce(1, 100, 8);
    }

    @Test
    void aResetMidWindowLosesNothing() throws Exception {
        server.holdUntil = 8;
        server.resetOnce = 45;
        SyslogSink s = sink(8, Duration.ofSeconds(5));
        EncodedBatch batch = Envelopes.events(1, 100, "a");

        Outcome first = send(s, batch);
        assertThat(first).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) first).kind()).isEqualTo(Outcome.ErrorKind.UNREACHABLE);
        assertThat(send(s, batch)).isEqualTo(Outcome.DELIVERED);

        assertEverySeqOnce(1, 100, 8);
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndTheSendStillCompletes() throws Exception {
        server.silent = true;
        SyslogSink s = sink(8, Duration.ofMillis(300));

        Outcome o = send(s, Envelopes.events(1, 5, "a"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).kind()).isEqualTo(Outcome.ErrorKind.TIMEOUT);
        assertThat(((Outcome.Retryable) o).message()).contains("answered 0 of 5");
    }

    @Test
    void aServerWithoutTheSyslogCommandIsRefusedRetryable() throws Exception {
        server.openAnswer = "200 OK\nrelp_version=0\ncommands=";
        SyslogSink s = sink(8, Duration.ofSeconds(5));

        Outcome o = send(s, Envelopes.events(1, 5, "a"));

        assertThat(o).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) o).message()).contains("does not offer the syslog command");
        assertThat(server.received).isEmpty();
    }

    @Test
    void closeEndsTheSessionWithRelpClose() throws Exception {
        SyslogSink s = sink(8, Duration.ofSeconds(5));
        assertThat(send(s, Envelopes.events(1, 3, "a"))).isEqualTo(Outcome.DELIVERED);

        s.close();
        sink = null;

        assertThat(server.commands).containsExactly("open", "syslog", "syslog", "syslog", "close");
        assertThat(server.protocolErrors).isEmpty();
    }
}
