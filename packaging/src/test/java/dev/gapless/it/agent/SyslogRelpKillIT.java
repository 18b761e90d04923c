package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.HttpReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELP end to end with real processes: {@code logger} writes numbered messages into a real rsyslogd (its own
 * {@code imuxsock} socket, Debian's packages unpacked under {@code agent/target/rsyslog} by {@code .ci/run}), which
 * forwards them with {@code omrelp} to the agent's syslog input ({@code protocol: relp}); the agent ships to an HTTP
 * destination. The agent is killed with SIGKILL mid-stream and started again on the same port: rsyslog holds what
 * was not answered ({@code action.resumeRetryCount="-1"}, an in-memory action queue) and sends it again. Every message
 * arrives; the duplicates RELP causes (the same message under two journal seqs: durable but not yet answered at the
 * kill) are at most rsyslog's window of 128, and the output's own resends (the same seq twice) are counted apart.
 */
class SyslogRelpKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RSYSLOG = Path.of("..", "agent", "target", "rsyslog").toAbsolutePath().normalize();
    private static final Path LIB = RSYSLOG.resolve("usr/lib/x86_64-linux-gnu");
    private static final int MESSAGES = 20_000;
    /** librelp's default window: unanswered messages rsyslog has in flight at most. */
    private static final int WINDOW = 128;
    private static final long RATE = 4_000;

    @TempDir
    Path dir;
    private GaplessProcess agent;
    private HttpReceiver receiver;
    private Process rsyslogd;
    private Process logger;

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : new Process[] {logger, rsyslogd}) {
            if (p != null) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (agent != null) {
            agent.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyMessageRsyslogForwardsOverRelpArrivesAfterKill9() throws Exception {
        Assumptions.assumeTrue(Files.exists(LIB.resolve("rsyslog/omrelp.so")), "rsyslog with omrelp is not unpacked"
                + " at " + RSYSLOG + ": .ci/run downloads it (rsyslog rsyslog-relp librelp0 ...); skipping");
        receiver = HttpReceiver.start();
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, config(receiver.url(), 0));
        agent = startAgent(config, "agent-1.log");
        String address = agent.inputAddress("relp");
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        Files.writeString(config, config(receiver.url(), port)); // the restart listens where rsyslog sends

        Path socket = dir.resolve("log.sock");
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" UseSpecialParser=\"off\" RateLimit.Interval=\"0\")",
                "module(load=\"omrelp\")",
                "action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + port + "\" template=\"RSYSLOG_ForwardFormat\"",
                "       action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\"",
                "       queue.type=\"LinkedList\" queue.size=\"100000\" queue.dequeueBatchSize=\"64\")",
                ""));
        ProcessBuilder pb = new ProcessBuilder(RSYSLOG.resolve("usr/sbin/rsyslogd").toString(), "-n", "-f",
                conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString(), "-M", LIB.resolve("rsyslog").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile());
        pb.environment().put("LD_LIBRARY_PATH", LIB.toString());
        rsyslogd = pb.start();
        Await.until("rsyslogd's socket", Duration.ofSeconds(15), () -> Files.exists(socket) || !rsyslogd.isAlive());
        assertThat(rsyslogd.isAlive()).as("rsyslogd runs: %s", Files.readString(dir.resolve("rsyslogd.out")))
                .isTrue();

        logger = new ProcessBuilder("logger", "-u", socket.toString(), "-t", "app", "-p", "local1.info")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logger.out").toFile()).start();
        AtomicLong written = new AtomicLong();
        Thread app = new Thread(() -> write(logger.getOutputStream(), written), "app-writer");
        app.setDaemon(true);
        app.start();

        Await.until("5,000 accepted", Duration.ofSeconds(60), () -> accepted(agent) >= 5_000);
        long acceptedAtKill = accepted(agent);
        agent.kill9();
        long writtenAtKill = written.get();
        assertThat(acceptedAtKill).as("the kill came while rsyslog was forwarding").isLessThan(MESSAGES);
        agent = startAgent(config, "agent-2.log");
        app.join(60_000);
        assertThat(written.get()).isEqualTo(MESSAGES);

        Await.until("every message delivered", Duration.ofSeconds(90),
                () -> receiver.lines().size() >= MESSAGES && count(receiver.lines()).distinct >= MESSAGES);
        Counted c = count(receiver.lines());
        System.out.printf("syslog over RELP, kill -9 after %d accepted (%d written): %d delivered, %d distinct, "
                + "%d sent again by rsyslog (unanswered at the kill), %d sent again by the output%n", acceptedAtKill,
                writtenAtKill, c.events, c.distinct, c.relpDuplicates, c.outputDuplicates);
        assertThat(c.distinct).as("every message arrived").isEqualTo(MESSAGES);
        assertThat(c.relpDuplicates).as("RELP duplicates at most the window").isLessThanOrEqualTo(WINDOW);
    }

    private record Counted(int events, int distinct, int relpDuplicates, int outputDuplicates) {
    }

    /** Counts the envelopes' events by their message number and journal seq. */
    private static Counted count(List<String> lines) {
        Map<Integer, Set<Long>> seqs = new HashMap<>();
        int events = 0;
        int outputDuplicates = 0;
        for (String l : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not an envelope: " + l, e);
            }
            if (!"event".equals(n.path("kind").asText())) {
                continue;
            }
            events++;
            String m = n.path("message").asText().strip();
            assertThat(m).startsWith("msg-");
            if (!seqs.computeIfAbsent(Integer.parseInt(m.substring(4)), k -> new HashSet<>())
                    .add(n.path("seq").asLong())) {
                outputDuplicates++;
            }
        }
        int relp = 0;
        for (Set<Long> s : seqs.values()) {
            relp += s.size() - 1;
        }
        return new Counted(events, seqs.size(), relp, outputDuplicates);
    }

    /** The application: numbered messages into logger's stdin, paced so the stream lasts a few seconds. */
    private static void write(OutputStream out, AtomicLong written) {
        long start = System.nanoTime();
        try (out) {
            for (int i = 0; i < MESSAGES; i++) {
                out.write(String.format("msg-%06d%n", i).getBytes(StandardCharsets.US_ASCII));
                written.incrementAndGet();
                if (i % 200 == 0) {
                    out.flush();
                    long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the writer, not waiting for a condition
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private GaplessProcess startAgent(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private static String config(String url, int port) {
        return """
                data_dir: ./data
                journal:
                  durability: batch
                  max_size: 256MiB
                  min_free: 64MiB
                  segment_size: 16MiB
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: relp
                    type: syslog
                    protocol: relp
                    listen: 127.0.0.1:%d
                outputs:
                  - id: central
                    type: http
                    url: %s
                    timeout: 5s
                    batch: { max_events: 1000 }
                    retry: { initial_backoff: 50ms, max_backoff: 500ms }
                """.formatted(port, url);
    }

    private static long accepted(GaplessProcess agent) {
        JsonNode h = agent.health();
        return h == null ? 0 : h.path("inputs").path("relp").path("accepted").asLong();
    }
}
