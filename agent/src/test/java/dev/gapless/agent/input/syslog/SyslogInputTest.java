package dev.gapless.agent.input.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog input end to end: util-linux {@code logger} (a real sender) over TCP and UDP against the input on a
 * port the OS chose, read back from a real journal; then its bounds (malformed count, kernel drops, journal full).
 */
class SyslogInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    private SyslogInput start(Journal journal, Protocol protocol, int maxLine) throws Exception {
        SyslogInputConfig config = new SyslogInputConfig("syslog", protocol, new HostPort("127.0.0.1", 0),
                ByteSize.ofBytes(maxLine), 8, Duration.ofMinutes(5), Optional.of(ZoneOffset.UTC), Optional.empty(),
                Optional.empty());
        SyslogInput input = closeLater(new SyslogInput(config, new JournalIngest(journal, Clock.systemUTC()), boss,
                workers, Clock.systemUTC()));
        input.start();
        return input;
    }

    private static int port(SyslogInput input) {
        String a = input.boundAddress();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    /** Runs logger to the input with {@code args} and {@code stdin}; waits for it (killed at the deadline). */
    private static void logger(SyslogInput input, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("logger", "-n", "127.0.0.1", "-P", String.valueOf(port(input))));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        try {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(TestJournals.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("logger exited").isTrue();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("logger: " + said).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> hostnames() throws Exception {
        String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        return List.of(h, h.contains(".") ? h.substring(0, h.indexOf('.')) : h);
    }

    private static JsonNode syslog(JournalRecord r) throws Exception {
        return JSON.readTree(r.extra()).get("syslog");
    }

    private static String text(JournalRecord r) {
        return new String(r.message(), StandardCharsets.UTF_8);
    }

    private static Instant eventTime(JournalRecord r) {
        return Instant.ofEpochSecond(0, r.eventTimeNanos());
    }

    @Test
    void loggerOverTcpRfc5424NewlineFramedWithStructuredData() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.TCP, 64 * 1024);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        logger(input, "", "-T", "--rfc5424", "-p", "local3.warning", "-t", "app", "--msgid", "ID1",
                "--sd-id", "test@32473", "--sd-param", "k=\"v w\"", "hello 5424");
        Instant after = Instant.now().plusSeconds(1);
        await("1 accepted", () -> input.stats().accepted.sum() == 1);
        JournalRecord r = TestJournals.readAll(journal, 0, 1).get(0);
        assertThat(text(r)).isEqualTo("hello 5424");
        JsonNode s = syslog(r);
        assertThat(s.get("facility").asText()).isEqualTo("local3");
        assertThat(s.get("severity").asText()).isEqualTo("warning");
        assertThat(s.get("hostname").asText()).isIn(hostnames());
        assertThat(s.get("app_name").asText()).isEqualTo("app");
        assertThat(s.get("msg_id").asText()).isEqualTo("ID1");
        assertThat(s.has("proc_id")).as("logger sends - without --id").isFalse();
        assertThat(s.get("structured_data").get("test@32473").get("k").asText()).isEqualTo("v w");
        assertThat(s.get("structured_data").has("timeQuality")).isTrue();
        assertThat(eventTime(r)).isBetween(before, after);
        assertThat(r.eventTimeNanos()).as("logger's own timestamp, with microseconds")
                .isNotEqualTo(r.receivedAtNanos());
        assertThat(r.tags()).isZero();
    }

    @Test
    void loggerOverTcpRfc3164OctetCountedManyMessagesInOrder() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.TCP, 64 * 1024);
        int n = 50;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("line ").append(i).append('\n');
        }
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        logger(input, lines.toString(), "-T", "--octet-count", "--rfc3164", "-p", "daemon.err", "-t", "cron",
                "--id=42");
        Instant after = Instant.now().plusSeconds(1);
        await(n + " accepted", () -> input.stats().accepted.sum() == n);
        List<JournalRecord> records = TestJournals.readAll(journal, 0, n);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            JournalRecord r = records.get(i);
            assertThat(text(r)).isEqualTo("line " + i);
            JsonNode s = syslog(r);
            assertThat(s.get("facility").asText()).isEqualTo("daemon");
            assertThat(s.get("severity").asText()).isEqualTo("err");
            assertThat(s.get("app_name").asText()).isEqualTo("cron");
            assertThat(s.get("proc_id").asText()).isEqualTo("42");
            assertThat(s.get("hostname").asText()).isIn(hostnames());
            assertThat(eventTime(r)).isBetween(before, after);
            assertThat(r.eventTimeNanos() % 1_000_000_000L).as("RFC 3164: whole seconds").isZero();
        }
    }

    @Test
    void loggerOverUdpBothFormats() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.UDP, 64 * 1024);
        logger(input, "", "-d", "--rfc3164", "-p", "mail.info", "-t", "postfix", "--id=7", "hello udp 3164");
        await("1 accepted", () -> input.stats().accepted.sum() == 1);
        logger(input, "", "-d", "--rfc5424=notq", "-p", "auth.debug", "-t", "sshd", "--msgid", "M",
                "hello udp 5424");
        await("2 accepted", () -> input.stats().accepted.sum() == 2);
        List<JournalRecord> records = TestJournals.readAll(journal, 0, 2);
        assertThat(text(records.get(0))).isEqualTo("hello udp 3164");
        assertThat(JSON.readTree(records.get(0).extra()).toString()).isEqualTo("{\"syslog\":{\"facility\":\"mail\","
                + "\"severity\":\"info\",\"hostname\":\"" + syslog(records.get(0)).get("hostname").asText()
                + "\",\"app_name\":\"postfix\",\"proc_id\":\"7\"}}");
        assertThat(text(records.get(1))).isEqualTo("hello udp 5424");
        JsonNode s = syslog(records.get(1));
        assertThat(s.get("facility").asText()).isEqualTo("auth");
        assertThat(s.get("severity").asText()).isEqualTo("debug");
        assertThat(s.get("msg_id").asText()).isEqualTo("M");
        assertThat(s.has("structured_data")).isFalse();
        input.pollDrops();
        assertThat(input.stats().kernelDrops).isZero();
    }

    @Test
    void malformedCountClosesOnlyThatConnectionCountedAndTheGoodFramesSurvive() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.TCP, 1024);
        try (Socket good = new Socket("127.0.0.1", port(input)); Socket bad = new Socket("127.0.0.1", port(input))) {
            bad.getOutputStream().write("8 <13>good<13>Dec  2 02:07:07 h app: line\n12<13>bad\n5 <13>lost"
                    .getBytes(StandardCharsets.UTF_8));
            bad.setSoTimeout((int) TestJournals.DEADLINE.toMillis());
            InputStream in = bad.getInputStream();
            assertThat(in.read()).as("the input closed the connection").isEqualTo(-1);
            await("rejected counted", () -> input.stats().rejected.sum() == 1);
            good.getOutputStream().write("8 <13>kept".getBytes(StandardCharsets.UTF_8));
            await("3 accepted", () -> input.stats().accepted.sum() == 3);
        }
        List<String> texts = TestJournals.texts(TestJournals.readAll(journal, 0, 3));
        assertThat(texts).containsExactly("good", "line", "kept");
    }

    @Test
    void kernelDropsOfTheUdpSocketAreReadAndWhatWasReadIsAccepted() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal")));
        SyslogInput input = start(journal, Protocol.UDP, 64 * 1024);
        // the socket's buffer fills, the kernel drops the rest
        input.channel().eventLoop().submit(() -> input.channel().config().setAutoRead(false)).get(5, TimeUnit.SECONDS);
        byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        int n = 0;
        long drops = 0;
        try (DatagramSocket out = new DatagramSocket()) {
            // the kernel may grant a large buffer (net.core.rmem_max): send until it drops, at most 60 MB
            for (int round = 0; round < 60 && drops == 0; round++) {
                for (int i = 0; i < 1000; i++, n++) {
                    byte[] head = ("<13>1 - h app - - - " + n + " ").getBytes(StandardCharsets.US_ASCII);
                    byte[] d = new byte[head.length + pad.length];
                    System.arraycopy(head, 0, d, 0, head.length);
                    System.arraycopy(pad, 0, d, head.length, pad.length);
                    out.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port(input)));
                }
                input.channel().eventLoop().submit(input::pollDrops).get(5, TimeUnit.SECONDS);
                drops = input.stats().kernelDrops;
            }
        }
        System.out.println("kernel drops with reading paused: " + drops + " of " + n);
        assertThat(drops).isPositive().isLessThan(n);
        long kept = n - drops;
        input.channel().config().setAutoRead(true);
        await("what the kernel kept is accepted", () -> input.stats().accepted.sum() == kept);
        assertThat(input.stats().rejected.sum()).isZero();
    }

    @Test
    void udpDatagramsTheFullJournalRefusesAreDroppedAndCountedRejected() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128))));
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get); // nothing is ever consumed: the journal fills
        SyslogInput input = start(journal, Protocol.UDP, 64 * 1024);
        byte[] pad = "y".repeat(900).getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        try (DatagramSocket out = new DatagramSocket()) {
            long deadline = System.nanoTime() + TestJournals.DEADLINE.toNanos();
            while (input.stats().rejected.sum() == 0) {
                assertThat(System.nanoTime()).as("the journal filled and refused").isLessThan(deadline);
                for (int i = 0; i < 100; i++, sent++) {
                    byte[] d = ("<13>1 - h app - - - " + sent + " " + new String(pad, StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    out.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port(input)));
                }
                Thread.sleep(5); // paced so that the socket's buffer keeps up: the journal is what refuses
            }
        }
        int total = sent;
        await("every datagram accepted, rejected or dropped by the kernel", () -> {
            input.channel().eventLoop().submit(input::pollDrops).syncUninterruptibly();
            return input.stats().accepted.sum() + input.stats().rejected.sum() + input.stats().kernelDrops == total;
        });
        long accepted = input.stats().accepted.sum();
        System.out.println("journal full: " + total + " sent, " + accepted + " accepted, "
                + input.stats().rejected.sum() + " rejected, " + input.stats().kernelDrops + " kernel drops");
        List<JournalRecord> records = TestJournals.readAll(journal, 0, accepted);
        assertThat(records).hasSize((int) accepted);
        assertThat(text(records.get(0))).startsWith("0 yyy");
        assertThat(input.stats().blocked.sum()).isPositive();
    }

    @Test
    void fullJournalPausesTcpReadingAndResumesWithNothingLost() throws Exception {
        Journal journal = closeLater(TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128))));
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get);
        SyslogInput input = start(journal, Protocol.TCP, 1024);
        int n = 20_000;
        String pad = "x".repeat(80);
        Socket s = closeLater(new Socket("127.0.0.1", port(input)));
        Thread sender = new Thread(() -> {
            try {
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                for (int i = 0; i < n; i++) {
                    byte[] frame = ("<13>1 - h app - - - " + i + " " + pad).getBytes(StandardCharsets.US_ASCII);
                    out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(frame);
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
        await("the connection stopped reading", () -> input.connections().stream()
                .anyMatch(c -> !c.config().isAutoRead()));
        assertThat(input.stats().accepted.sum()).isLessThan(n);

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
        for (int i = 0; i < n; i++) {
            assertThat(text(got.get(i))).isEqualTo(i + " " + pad);
        }
        await("all accepted", () -> input.stats().accepted.sum() == n);
        assertThat(input.stats().rejected.sum()).isZero();
    }
}
