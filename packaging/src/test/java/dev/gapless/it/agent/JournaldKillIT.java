package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.support.Await;
import dev.gapless.it.support.Delivered;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.HttpReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journald input end to end with real processes: numbered entries are written into real journal files by
 * systemd-journal-remote (Debian's, unpacked under {@code agent/target/journal-remote} by {@code .ci/run}), the file
 * rotated half-way; the agent reads them with the machine's journalctl and ships to an HTTP destination; it is killed
 * with SIGKILL mid-stream and started again while entries are still written. Every entry arrives, in a prefix with
 * no gap; duplicates are only what was durable but not yet checkpointed, or in flight to the output.
 */
class JournaldKillIT {

    private static final int ENTRIES = 20_000;
    private static final int CHUNK = 1000;
    private static final int BATCH = 1000;
    /** The realtime timestamp (µs) of entry 0; entry i has this plus i. */
    private static final long FIRST_REALTIME = 1_700_000_000_000_000L;

    @TempDir
    Path dir;
    private GaplessProcess agent;
    private HttpReceiver receiver;
    private Thread writer;

    @AfterEach
    void tearDown() throws Exception {
        if (writer != null) {
            writer.interrupt();
            writer.join(30_000);
        }
        if (agent != null) {
            agent.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static Path journalRemoteRoot() {
        String src = System.getProperty("gapless.src");
        Path packaging = src == null ? Path.of("").toAbsolutePath() : Path.of(src).toAbsolutePath().getParent();
        return packaging.getParent().resolve("agent/target/journal-remote");
    }

    @Test
    void everyEntryArrivesAfterKill9WhileReadingAndARotation() throws Exception {
        Path root = journalRemoteRoot();
        Path binary = root.resolve("lib/systemd/systemd-journal-remote");
        Assumptions.assumeTrue(Files.isExecutable(binary), "systemd-journal-remote is not unpacked at " + binary
                + ": .ci/run downloads it (apt-get download systemd-journal-remote libmicrohttpd12, dpkg -x)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/journalctl")), "no journalctl on this machine");
        receiver = HttpReceiver.start();
        Path journals = Files.createDirectories(dir.resolve("journals"));
        Path config = writeConfig(receiver.url(), journals);
        long t0 = System.nanoTime();
        agent = startAgent(config, "agent-1.log");
        long up = System.nanoTime();

        AtomicLong written = new AtomicLong();
        writer = new Thread(() -> writeRotating(root, journals, written), "journal-writer");
        writer.setDaemon(true);
        writer.start();
        // Killed once the checkpoint is well into the stream, so the kill tests resuming from a cursor (a kill timed
        // on entries accepted alone may come before any save, and then the journal is rightly read again).
        Await.until("4,000 entries checkpointed", Duration.ofSeconds(60), () -> checkpointedEntries() >= 4_000);
        long acceptedBeforeKill = accepted(agent);
        agent.kill9();
        long writtenAtKill = written.get();
        long checkpointed = checkpointedEntries();
        assertThat(writtenAtKill).as("the kill came while entries were being written").isLessThan(ENTRIES);

        long killed = System.nanoTime();
        agent = startAgent(config, "agent-2.log");
        long upAgain = System.nanoTime();
        writer.join(120_000);
        assertThat(written.get()).as("every entry was written").isEqualTo(ENTRIES);
        Await.until("every entry delivered", Duration.ofSeconds(90),
                () -> receiver.lines().size() >= ENTRIES && Delivered.of(receiver.lines()).distinct() >= ENTRIES);
        Delivered d = Delivered.of(receiver.lines());
        System.out.printf("journald input, kill -9 after %d accepted (%d written, %d checkpointed): delivered %s; "
                + "start %d ms, to the kill %d ms, restart %d ms, to the end %d ms%n", acceptedBeforeKill, writtenAtKill,
                checkpointed, d,
                (up - t0) / 1_000_000, (killed - up) / 1_000_000, (upAgain - killed) / 1_000_000,
                (System.nanoTime() - upAgain) / 1_000_000);
        assertThat(d.isPrefix()).as("distinct entries form a prefix of those written: %s", d).isTrue();
        assertThat(d.prefix()).isEqualTo(ENTRIES);
        // Read again after the kill: at most the entries past the last checkpoint save (no more than were written by
        // then), plus the output's two batches in flight. Far below re-reading the journal.
        assertThat((long) d.duplicates()).as("duplicates: %s", d)
                .isLessThanOrEqualTo(writtenAtKill - checkpointed + 2L * BATCH);
        assertThat(agent.health().path("inputs").path("system").path("child_restarts").asLong()).isZero();
    }

    /** Entries in chunks, each one run of systemd-journal-remote; half-way the file is archived and a new one made. */
    private static void writeRotating(Path root, Path journals, AtomicLong written) {
        try {
            for (int from = 0; from < ENTRIES; from += CHUNK) {
                if (from == ENTRIES / 2) {
                    Files.move(journals.resolve("system.journal"), journals.resolve(
                            "system@0123456789abcdef0123456789abcdef-0000000000000001-0005f0000000000a.journal"));
                }
                writeChunk(root, journals.resolve("system.journal"), from, from + CHUNK);
                written.addAndGet(CHUNK);
                TimeUnit.MILLISECONDS.sleep(100); // pacing the writer so the kill comes mid-stream
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeChunk(Path root, Path file, int from, int to) throws IOException, InterruptedException {
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            export.writeBytes(String.format("__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID="
                    + "0123456789abcdef0123456789abcdef\nMESSAGE=line-%09d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                    + "SYSLOG_IDENTIFIER=app\n_SYSTEMD_UNIT=app.service\n\n", FIRST_REALTIME + i, 1 + i, i)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        ProcessBuilder pb = new ProcessBuilder(root.resolve("lib/systemd/systemd-journal-remote").toString(),
                "--output=" + file, "--split-mode=none", "--compress=no", "-");
        pb.environment().put("LD_LIBRARY_PATH", root.resolve("usr/lib/x86_64-linux-gnu").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                export.writeTo(in);
            }
            byte[] said = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("systemd-journal-remote failed: " + new String(said, StandardCharsets.UTF_8));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private GaplessProcess startAgent(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private Path writeConfig(String url, Path journals) throws Exception {
        Path config = dir.resolve("gapless.yaml");
        Files.writeString(config, """
                data_dir: ./data
                journal:
                  durability: batch
                  max_size: 512MiB
                  min_free: 64MiB
                  segment_size: 16MiB
                admin:
                  listen: 127.0.0.1:0
                inputs:
                  - id: system
                    type: journald
                    start_at: beginning
                    directory: %s
                    restart_backoff: 100ms
                outputs:
                  - id: central
                    type: http
                    url: %s
                    timeout: 5s
                    batch: { max_events: %d }
                    retry: { initial_backoff: 50ms, max_backoff: 500ms }
                """.formatted(journals, url, BATCH));
        return config;
    }

    /**
     * The entries the input's checkpoint has passed, from its cursor's realtime field ({@code t=}, hex microseconds:
     * entry i was written with {@link #FIRST_REALTIME} + i). The checkpoint ({@code JournaldCheckpoint}, v1): a
     * 12-byte header with the cursor's length at 8, then the cursor. Replaced by rename, so a read sees one whole save.
     */
    private long checkpointedEntries() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve("data/inputs/system.checkpoint"));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        for (String field : new String(bytes, 12, length, StandardCharsets.US_ASCII).split(";")) {
            if (field.startsWith("t=")) {
                return Long.parseLong(field.substring(2), 16) - FIRST_REALTIME + 1;
            }
        }
        return 0; // no cursor yet: from the journal's beginning
    }

    private static long accepted(GaplessProcess agent) {
        var h = agent.health();
        return h == null ? 0 : h.path("inputs").path("system").path("accepted").asLong();
    }
}
