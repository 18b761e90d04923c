package dev.gapless.agent.input.syslog;

import static dev.gapless.agent.input.TestJournals.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.HostPort;
import dev.gapless.config.input.syslog.SyslogInputConfig;
import dev.gapless.config.input.syslog.SyslogInputConfig.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rsyslogd forwards over TCP to the syslog input, twice per message: octet-counted RFC 5424
 * ({@code RSYSLOG_SyslogProtocol23Format}) and newline-framed with an RFC 3339 timestamp
 * ({@code RSYSLOG_ForwardFormat}). rsyslogd is Debian's package unpacked under {@code agent/target/rsyslog} by
 * {@code .ci/run} (never installed); without it the test is skipped.
 */
class RsyslogForwardTest {

    static final Path RSYSLOG = Path.of("target", "rsyslog").toAbsolutePath();
    static final Path RSYSLOGD = RSYSLOG.resolve("usr/sbin/rsyslogd");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Process rsyslogd;
    private SyslogInput input;
    private Journal journal;

    @AfterEach
    void tearDown() throws Exception {
        if (rsyslogd != null) {
            rsyslogd.destroy();
            if (!rsyslogd.waitFor(5, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (input != null) {
            input.close();
        }
        if (journal != null) {
            journal.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void rsyslogForwardsOverTcpInBothFramingsAndFormats() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RSYSLOGD), "rsyslogd is not unpacked at " + RSYSLOGD
                + ": .ci/run downloads it (apt-get download rsyslog libestr0 libfastjson4, dpkg -x into agent/target/"
                + "rsyslog); skipping the rsyslog forwarding test");
        journal = TestJournals.open(dir.resolve("journal"));
        SyslogInputConfig config = new SyslogInputConfig("syslog", Protocol.TCP, new HostPort("127.0.0.1", 0),
                ByteSize.ofKibibytes(64), 8, Duration.ofMinutes(5), Optional.of(ZoneOffset.UTC), Optional.empty(),
                Optional.empty());
        input = new SyslogInput(config, new JournalIngest(journal, Clock.systemUTC()), boss, workers,
                Clock.systemUTC());
        input.start();
        String port = input.boundAddress().substring(input.boundAddress().lastIndexOf(':') + 1);

        Path socket = dir.resolve("log.sock");
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" UseSpecialParser=\"off\")",
                "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port + "\" protocol=\"tcp\""
                        + " TCP_Framing=\"octet-counted\" template=\"RSYSLOG_SyslogProtocol23Format\")",
                "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port + "\" protocol=\"tcp\""
                        + " TCP_Framing=\"traditional\" template=\"RSYSLOG_ForwardFormat\")",
                ""));
        Path lib = RSYSLOG.resolve("usr/lib/x86_64-linux-gnu");
        ProcessBuilder pb = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(),
                "-i", dir.resolve("rsyslogd.pid").toString(), "-M", lib.resolve("rsyslog").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile());
        pb.environment().put("LD_LIBRARY_PATH", lib.toString());
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        rsyslogd = pb.start();
        await("rsyslogd's socket", () -> Files.exists(socket) || !rsyslogd.isAlive());
        assertThat(rsyslogd.isAlive()).as(() -> "rsyslogd runs: " + output()).isTrue();

        int n = 20;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("forwarded ").append(i).append('\n');
        }
        logger(lines.toString(), "-u", socket.toString(), "-t", "app", "-p", "local1.info");
        logger("", "-u", socket.toString(), "--rfc5424", "-t", "app", "-p", "local1.info", "--sd-id", "x@1",
                "--sd-param", "a=\"b\"", "with sd");
        await(2 * (n + 1) + " accepted (" + output() + ")", () -> input.stats().accepted.sum() == 2L * (n + 1));
        Instant after = Instant.now().plusSeconds(1);

        List<JournalRecord> records = TestJournals.readAll(journal, 0, 2L * (n + 1));
        Map<String, Integer> seen = new HashMap<>();
        int withSd = 0;
        for (JournalRecord r : records) {
            // rsyslog keeps the space after "app:" in its MSG, so its RFC 5424 forward has " forwarded 0"
            String text = new String(r.message(), StandardCharsets.UTF_8).strip();
            seen.merge(text, 1, Integer::sum);
            assertThat(r.tags()).as(text).isZero();
            JsonNode s = JSON.readTree(r.extra()).get("syslog");
            assertThat(s.get("facility").asText()).isEqualTo("local1");
            assertThat(s.get("severity").asText()).isEqualTo("info");
            if (!text.equals("app with sd")) {
                assertThat(s.get("app_name").asText()).as(text).isEqualTo("app");
            }
            assertThat(s.get("hostname").asText()).isNotEmpty();
            assertThat(Instant.ofEpochSecond(0, r.eventTimeNanos())).isBetween(before, after);
            if (s.has("structured_data") && s.get("structured_data").has("x@1")) {
                assertThat(s.get("structured_data").get("x@1").get("a").asText()).isEqualTo("b");
                withSd++;
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(seen.get("forwarded " + i)).as("forwarded " + i + ", once per action").isEqualTo(2);
        }
        assertThat(seen.get("with sd")).as("the RFC 5424 forward").isEqualTo(1);
        assertThat(seen.get("app with sd")).as("RSYSLOG_ForwardFormat writes an RFC 5424 message's APP-NAME without"
                + " a colon: in RFC 3164 that is not a tag but the start of the message").isEqualTo(1);
        assertThat(withSd).as("the RFC 5424 forward keeps the structured data").isEqualTo(1);
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("rsyslogd.out"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void logger(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("logger"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(TestJournals.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("logger exited").isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
