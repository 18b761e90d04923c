package dev.gapless.agent.input.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.net.relp.RelpFrame;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog input's RELP server against a RELP client written in the test: the handshake, answers in order and only
 * once durable (also while the journal is full), close, serverclose on shutdown, an unsupported command (answered
 * 500, counted, the session goes on), and protocol errors (counted, the frames before them answered, the bad one
 * never).
 */
class RelpInputTest {

    @TempDir
    Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
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

    private SyslogInput start(Journal journal, int maxLine) throws Exception {
        SyslogInputConfig config = new SyslogInputConfig("relp", Protocol.RELP, new HostPort("127.0.0.1", 0),
                ByteSize.ofBytes(maxLine), 8, Duration.ofMinutes(5), Optional.of(ZoneOffset.UTC), Optional.empty(),
                Optional.empty());
        SyslogInput input = closeLater(new SyslogInput(config, new JournalIngest(journal, Clock.systemUTC()), boss,
                workers, Clock.systemUTC()));
        input.start();
        return input;
    }

    static int port(SyslogInput input) {
        String a = input.boundAddress();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    private static String text(JournalRecord r) {
        return new String(r.message(), StandardCharsets.UTF_8);
    }

    @Test
    void openThenEveryMessageIsAnsweredInOrderOnlyOnceDurable() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        RelpFrame open = c.open();
        assertThat(open.txnr()).isEqualTo(1);
        assertThat(open.command()).isEqualTo("rsp");
        assertThat(open.text()).startsWith("200 OK\n").contains("relp_version=0").contains("commands=syslog");

        int n = 500;
        for (int i = 0; i < n; i++) {
            c.send(2 + i, "syslog", "<13>1 2026-12-02T10:00:00Z h app - - - message " + i);
        }
        c.send(2 + n, "syslog", "not syslog at all");
        c.send(3 + n, "syslog", "<13>1 - h app - - - " + "z".repeat(2000));
        for (int i = 0; i < n + 2; i++) {
            RelpFrame rsp = c.read();
            // read at once, compared with what was durable when it came: never an answer ahead of the force
            long accepted = input.stats().accepted.sum();
            assertThat(rsp.txnr()).as("answers in order").isEqualTo(2 + i);
            assertThat(rsp.command()).isEqualTo("rsp");
            assertThat(rsp.text()).isEqualTo("200 OK");
            assertThat(accepted).as("txnr %d answered with %d durable", rsp.txnr(), accepted)
                    .isGreaterThanOrEqualTo(i + 1);
            assertThat(journal.durableSeq()).isGreaterThanOrEqualTo(i + 1);
        }
        List<JournalRecord> got = TestJournals.readAll(journal, 0, n + 2);
        assertThat(got).hasSize(n + 2);
        for (int i = 0; i < n; i++) {
            assertThat(text(got.get(i))).isEqualTo("message " + i);
            assertThat(got.get(i).tags()).isZero();
        }
        assertThat(text(got.get(n))).isEqualTo("not syslog at all");
        assertThat(got.get(n).tags()).isEqualTo(Tags.SYSLOG_PARSE_FAILED);
        assertThat(got.get(n + 1).tags() & Tags.TRUNCATED).as("cut at max_line_bytes").isNotZero();
        assertThat(input.stats().parseFailures.sum()).isEqualTo(1);
        assertThat(input.stats().truncated.sum()).isEqualTo(1);
        assertThat(input.stats().rejected.sum()).isZero();

        c.send(4 + n, "close", "");
        RelpFrame closed = c.read();
        assertThat(closed.txnr()).isEqualTo(4 + n);
        assertThat(closed.text()).isEqualTo("200 OK");
        assertThat(c.closedByServer()).as("the server closes after answering close").isTrue();
    }

    @Test
    void whileTheJournalIsFullNothingIsAnsweredAndEverythingIsOnceItIsDurable() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128))));
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get);
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        int n = 20_000;
        String pad = "x".repeat(80);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicLong answered = new AtomicLong();
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    c.send(2 + i, "syslog", "<13>1 - h app - - - " + i + " " + pad);
                }
            } catch (Exception e) {
                failed.set(e);
            }
        }, "relp-test-sender");
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    RelpFrame rsp = c.read();
                    long accepted = input.stats().accepted.sum();
                    if (rsp.txnr() != 2 + i || !rsp.text().equals("200 OK") || accepted < i + 1) {
                        throw new AssertionError("answer " + rsp + " (" + rsp.text() + ") as number " + i + " with "
                                + accepted + " accepted");
                    }
                    answered.incrementAndGet();
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "relp-test-reader");
        sender.setDaemon(true);
        reader.setDaemon(true);
        sender.start();
        reader.start();
        closeLater(() -> sender.join(5000));
        closeLater(() -> reader.join(5000));

        await("the journal refused an append", () -> input.stats().blocked.sum() > 0);
        await("the connection stopped reading", () -> input.connections().stream()
                .anyMatch(ch -> !ch.config().isAutoRead()));
        assertThat(answered.get()).isLessThan(n);

        List<JournalRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (JournalReader r = journal.openReader("drain", 0)) {
            while (got.size() < n && System.nanoTime() < deadline && failed.get() == null) {
                if (r.read(5000, Long.MAX_VALUE, got) == 0) {
                    journal.awaitDurableAfter(r.nextSeq() - 1, 20, TimeUnit.MILLISECONDS);
                } else {
                    acked.set(got.get(got.size() - 1).seq());
                }
                journal.retain();
            }
        }
        assertThat(failed.get()).isNull();
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(text(got.get(i))).isEqualTo(i + " " + pad);
        }
        await("every message answered", () -> answered.get() == n || failed.get() != null);
        assertThat(failed.get()).isNull();
        assertThat(input.stats().rejected.sum()).isZero();
    }

    @Test
    void atTheBoundOfUnansweredMessagesReadingStopsAndNothingIsAnsweredBeforeTheForce() throws Exception {
        // No force until released: nothing is durable, so nothing may be answered and the session fills up.
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        CountDownLatch release = new CountDownLatch(1);
        JournalHooks.holdForces(journal, release);
        closeLater(release::countDown); // before the journal closes: its syncer must not stay held
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        int n = 3 * RelpSession.MAX_PENDING;
        String pad = "p".repeat(200);
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    c.send(2 + i, "syslog", "<13>1 - h app - - - m" + i + " " + pad);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "relp-test-sender");
        sender.setDaemon(true);
        sender.start();
        closeLater(() -> sender.join(5000));
        await("the connection stopped reading at the bound", () -> input.connections().stream()
                .anyMatch(ch -> !ch.config().isAutoRead()) || input.stats().accepted.sum() > 0);
        await("what was read before the stop is in the journal",
                () -> journal.headSeq() >= RelpSession.MAX_PENDING || input.stats().accepted.sum() > 0);
        assertThat(input.stats().accepted.sum()).as("stopped before the first force").isZero();
        // past the bound by at most one read (256 KiB, some 1,100 of these frames): not all of them
        assertThat(journal.headSeq()).as("reading stopped").isLessThan(n);
        release.countDown();
        for (int i = 0; i < n; i++) {
            RelpFrame rsp = c.read();
            long accepted = input.stats().accepted.sum();
            assertThat(rsp.txnr()).isEqualTo(2 + i);
            assertThat(accepted).as("answer %d with %d durable", i, accepted).isGreaterThanOrEqualTo(i + 1);
        }
        assertThat(TestJournals.readAll(journal, 0, n)).hasSize(n);
    }

    @Test
    void aMalformedFrameIsCountedTheFramesBeforeAreAnsweredAndTheConnectionCloses() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        c.send(2, "syslog", "<13>1 - h app - - - before 1");
        c.send(3, "syslog", "<13>1 - h app - - - before 2");
        c.raw("4 syslog 3 abcd\n");
        assertThat(c.read().txnr()).isEqualTo(2);
        assertThat(c.read().txnr()).isEqualTo(3);
        assertThat(c.closedByServer()).isTrue();
        await("counted rejected", () -> input.stats().rejected.sum() == 1);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 2))).containsExactly("before 1", "before 2");

        RelpTestClient again = closeLater(RelpTestClient.connect(port(input)));
        again.open();
        again.send(2, "syslog", "<13>1 - h app - - - after");
        assertThat(again.read().text()).as("a new session is served").isEqualTo("200 OK");
    }

    @Test
    void anUnsupportedCommandIsAnswered500InItsTurnCountedAndTheSessionGoesOn() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        c.send(2, "syslog", "<13>1 - h app - - - before");
        c.send(3, "starttls", "");
        c.send(4, "syslog", "<13>1 - h app - - - between");
        c.send(5, "eventlog", "<13>1 - h app - - - not taken");
        c.send(6, "syslog", "<13>1 - h app - - - after");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RelpFrame rsp = c.read();
            assertThat(rsp.command()).isEqualTo("rsp");
            answers.add(rsp.txnr() + " " + rsp.text());
        }
        assertThat(answers).as("every command answered, in order").containsExactly("2 200 OK",
                "3 500 command starttls not supported", "4 200 OK", "5 500 command eventlog not supported",
                "6 200 OK");
        assertThat(input.stats().rejected.sum()).isEqualTo(2);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, journal.headSeq())))
                .containsExactly("before", "between", "after");

        c.send(7, "close", "");
        RelpFrame closed = c.read();
        assertThat(closed.txnr()).as("the session went on to its close").isEqualTo(7);
        assertThat(closed.text()).isEqualTo("200 OK");
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void transactionNumbersMustIncreaseAndOpenComeFirst() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        c.send(5, "syslog", "<13>1 - h app - - - five");
        c.send(5, "syslog", "<13>1 - h app - - - five again");
        assertThat(c.read().txnr()).isEqualTo(5);
        assertThat(c.closedByServer()).isTrue();

        RelpTestClient early = closeLater(RelpTestClient.connect(port(input)));
        early.send(1, "syslog", "<13>1 - h app - - - before open");
        assertThat(early.closedByServer()).as("nothing answered, closed").isTrue();

        RelpTestClient zero = closeLater(RelpTestClient.connect(port(input)));
        zero.send(0, "open", "relp_version=0");
        assertThat(zero.closedByServer()).isTrue();
        await("three sessions counted", () -> input.stats().rejected.sum() == 3);
        assertThat(TestJournals.texts(TestJournals.readAll(journal, 0, 1))).containsExactly("five");
    }

    @Test
    void shuttingDownSendsServercloseAfterTheAnswers() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, 1024);
        RelpTestClient c = closeLater(RelpTestClient.connect(port(input)));
        c.open();
        c.send(2, "syslog", "<13>1 - h app - - - last");
        assertThat(c.read().text()).isEqualTo("200 OK");
        input.close();
        RelpFrame bye = c.read();
        assertThat(bye.txnr()).isZero();
        assertThat(bye.command()).isEqualTo("serverclose");
        assertThat(c.closedByServer()).isTrue();
    }
}
