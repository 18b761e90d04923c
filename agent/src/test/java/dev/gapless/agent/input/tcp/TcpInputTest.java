package dev.gapless.agent.input.tcp;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.StepClock;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.tcp.TcpInputConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpInputTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private TcpInput start(Journal journal, int maxLine, int maxConnections) throws Exception {
        return start(journal, maxLine, maxConnections, Clock.systemUTC());
    }

    private TcpInput start(Journal journal, int maxLine, int maxConnections, Clock clock) throws Exception {
        TcpInputConfig config = new TcpInputConfig("app", new HostPort("127.0.0.1", 0), ByteSize.ofBytes(maxLine),
                maxConnections, IDLE_TIMEOUT, Optional.empty());
        TcpInput input = closeLater(new TcpInput(config, new JournalIngest(journal, clock), boss, workers, clock));
        input.start();
        return input;
    }

    private Socket connect(TcpInput input) throws Exception {
        String a = input.boundAddress();
        return closeLater(new Socket("127.0.0.1", Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))));
    }

    @Test
    void invalidUtf8IsAcceptedAndTaggedWithGoodLinesAroundIntact() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        TcpInput input = start(journal, 1024, 8);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes("good one\n".getBytes(StandardCharsets.UTF_8));
        byte[] bad = {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        payload.writeBytes(bad);
        payload.write('\n');
        payload.writeBytes("good two ünïcødé\n".getBytes(StandardCharsets.UTF_8));
        try (Socket s = connect(input)) {
            s.getOutputStream().write(payload.toByteArray());
            s.getOutputStream().flush();
            await("3 accepted", () -> input.stats().accepted.sum() == 3);
        }
        List<JournalRecord> records = TestJournals.readAll(journal, 0, 3);
        assertThat(records).hasSize(3);
        assertThat(TestJournals.texts(records).get(0)).isEqualTo("good one");
        assertThat(records.get(1).message()).isEqualTo(bad);
        assertThat(records.get(1).tags()).isEqualTo(Tags.INVALID_UTF8);
        assertThat(TestJournals.texts(records).get(2)).isEqualTo("good two ünïcødé");
        assertThat(records.get(0).tags()).isZero();
        assertThat(records.get(2).tags()).isZero();
        assertThat(records).allMatch(r -> r.source().equals("app"));
        assertThat(input.stats().invalidUtf8.sum()).isEqualTo(1);
    }

    @Test
    void countsAcceptedOnlyOnceDurable() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal"), new dev.gapless.config.JournalConfig(
                dev.gapless.config.JournalConfig.Durability.BATCH, java.time.Duration.ofMillis(300),
                ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), dev.gapless.config.JournalConfig.WhenFull.BLOCK,
                ByteSize.ofMebibytes(1))));
        TcpInput input = start(journal, 1024, 8);
        int n = 500;
        try (Socket s = connect(input)) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < n; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            long deadline = System.nanoTime() + TestJournals.DEADLINE.toNanos();
            while (input.stats().accepted.sum() < n) {
                long accepted = input.stats().accepted.sum(); // read before the durable point: it only grows
                long durable = journal.durableSeq();
                assertThat(accepted).as("accepted never runs ahead of the durable point").isLessThanOrEqualTo(durable);
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, n))).hasSize(n).startsWith("line 0")
                .endsWith("line " + (n - 1));
    }

    @Test
    void fullJournalPausesReadingAndResumesWithNothingLost() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128))));
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get);
        TcpInput input = start(journal, 1024, 8);
        int n = 40_000;
        String pad = "x".repeat(80);
        Socket s = connect(input);
        Thread sender = new Thread(() -> {
            try {
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                for (int i = 0; i < n; i++) {
                    out.write((i + " " + pad + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "test-sender");
        sender.setDaemon(true);
        sender.start();
        closeLater(() -> sender.join(5000));

        await("the journal refused an append", () -> input.stats().blocked.sum() > 0);
        await("the connection stopped reading", () -> input.connections().stream().anyMatch(c -> !c.config()
                .isAutoRead()));
        long acceptedWhileBlocked = input.stats().accepted.sum();
        assertThat(acceptedWhileBlocked).isLessThan(n);

        // An output drains the journal: retention frees segments, the input resumes.
        List<JournalRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (JournalReader reader = journal.openReader("drain", 0)) {
            while (got.size() < n && System.nanoTime() < deadline) {
                if (reader.read(5000, Long.MAX_VALUE, got) == 0) {
                    journal.awaitDurableAfter(reader.nextSeq() - 1, 20, TimeUnit.MILLISECONDS);
                } else {
                    acked.set(got.get(got.size() - 1).seq());
                }
                journal.retain();
            }
        }
        assertThat(got).hasSize(n);
        List<String> texts = TestJournals.texts(got);
        for (int i = 0; i < n; i++) {
            assertThat(texts.get(i)).isEqualTo(i + " " + pad);
        }
        await("all accepted", () -> input.stats().accepted.sum() == n);
        await("reading again", () -> input.connections().stream().allMatch(c -> c.config().isAutoRead()));
    }

    @Test
    void connectionsPastMaxWhileNoneIsIdleAreRefusedAndCounted() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        TcpInput input = start(journal, 1024, 2);
        Socket a = connect(input);
        Socket b = connect(input);
        await("two open", () -> input.connections().size() == 2);
        Socket c = connect(input);
        c.setSoTimeout((int) TestJournals.DEADLINE.toMillis());
        InputStream in = c.getInputStream();
        assertThat(in.read()).as("the third connection is closed by the input").isEqualTo(-1);
        assertThat(input.stats().connectionsRefused.sum()).isEqualTo(1);
        a.getOutputStream().write("from a\n".getBytes(StandardCharsets.UTF_8));
        b.getOutputStream().write("from b\n".getBytes(StandardCharsets.UTF_8));
        await("both accepted", () -> input.stats().accepted.sum() == 2);
        a.close();
        await("a slot freed", () -> input.connections().size() == 1);
        Socket d = connect(input);
        d.getOutputStream().write("from d\n".getBytes(StandardCharsets.UTF_8));
        await("d accepted", () -> input.stats().accepted.sum() == 3);
        assertThat(input.stats().connectionsRefused.sum()).isEqualTo(1);
        assertThat(input.stats().connectionsEvicted.sum()).isZero();
        assertThat(input.stats().rejected.sum()).as("no event was refused").isZero();
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 3)))
                .containsExactlyInAnyOrder("from a", "from b", "from d");
    }

    @Test
    void connectionsThatNeverSendCannotLockOutANewSender() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        StepClock clock = new StepClock();
        TcpInput input = start(journal, 1024, 2, clock);
        Socket silentA = connect(input);
        await("a open", () -> input.connections().size() == 1); // admitted first: the idlest of two idle alike
        Socket silentB = connect(input);
        await("two open", () -> input.connections().size() == 2);
        Socket early = connect(input);
        early.setSoTimeout((int) TestJournals.DEADLINE.toMillis());
        assertThat(early.getInputStream().read()).as("refused: nobody idle for 5m yet").isEqualTo(-1);

        clock.advance(IDLE_TIMEOUT);
        Socket sender = connect(input);
        sender.getOutputStream().write("from the sender\n".getBytes(StandardCharsets.UTF_8));
        await("the sender accepted", () -> input.stats().accepted.sum() == 1);

        silentA.setSoTimeout((int) TestJournals.DEADLINE.toMillis());
        assertThat(silentA.getInputStream().read()).as("the first silent one, idlest, evicted").isEqualTo(-1);
        silentB.getOutputStream().write("b was only quiet\n".getBytes(StandardCharsets.UTF_8));
        await("b still open and read", () -> input.stats().accepted.sum() == 2);
        assertThat(input.stats().connectionsRefused.sum()).isEqualTo(1);
        assertThat(input.stats().connectionsEvicted.sum()).isEqualTo(1);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 2)))
                .containsExactly("from the sender", "b was only quiet");
    }

    @Test
    void oversizedLineIsTruncatedTaggedAndTheConnectionLivesOn() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        TcpInput input = start(journal, 32, 8);
        try (Socket s = connect(input)) {
            s.getOutputStream().write(("y".repeat(10_000) + "\nafter\nlast-no-newline")
                    .getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            await("3 accepted", () -> input.stats().accepted.sum() == 3);
        }
        List<JournalRecord> records = TestJournals.readAll(journal, 0, 3);
        assertThat(TestJournals.texts(records)).containsExactly("y".repeat(32), "after", "last-no-newline");
        assertThat(records.get(0).tags()).isEqualTo(Tags.TRUNCATED);
        assertThat(input.stats().truncated.sum()).isEqualTo(1);
    }

    @SuppressWarnings("unused")
    private static boolean reading(Channel c) {
        return c.config().isAutoRead();
    }
}
