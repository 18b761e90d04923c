package dev.gapless.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.it.support.Await;
import dev.gapless.it.support.Delivered;
import dev.gapless.it.support.GaplessProcess;
import dev.gapless.it.support.HttpReceiver;
import dev.gapless.it.support.LineSender;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file input end to end with real processes: an application writes numbered lines to a log it rotates
 * (rename and create) half-way, the agent tails {@code app.log*} and ships to an HTTP destination; the agent is
 * killed with SIGKILL mid-stream and started again while the application writes on. Every line arrives, in a
 * prefix with no gap; duplicates are only what was durable but not yet checkpointed, or in flight to the output.
 */
class FileTailKillIT {

    private static final int LINES = 100_000;
    private static final int BATCH = 1000;
    /** Lines per second the application writes, so the stream lasts about 2 s. */
    private static final long RATE = 50_000;

    @TempDir
    Path dir;
    private GaplessProcess agent;
    private HttpReceiver receiver;
    private Thread app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.interrupt();
            app.join(10_000);
        }
        if (agent != null) {
            agent.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyLineWrittenArrivesAfterKill9DuringTailingAndARotation() throws Exception {
        receiver = HttpReceiver.start();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path config = writeConfig(receiver.url());
        agent = startAgent(config, "agent-1.log");

        AtomicLong written = new AtomicLong();
        app = new Thread(() -> writeRotating(logs, written), "app-writer");
        app.setDaemon(true);
        app.start();
        // Killed once the checkpoint is well into the stream, so the kill tests resuming from a checkpoint (a kill
        // timed on lines accepted alone may come before any save, and then the whole file is rightly read again).
        Await.until("20,000 lines checkpointed", Duration.ofSeconds(60), () -> checkpointedLines() >= 20_000);
        long acceptedBeforeKill = accepted(agent);
        agent.kill9();
        long writtenAtKill = written.get();
        long checkpointed = checkpointedLines();
        assertThat(writtenAtKill).as("the kill came while the application was writing").isLessThan(LINES);

        agent = startAgent(config, "agent-2.log");
        app.join(60_000);
        assertThat(written.get()).as("the application wrote every line").isEqualTo(LINES);
        // Parsed only once enough lines arrived: parsing them all every poll would starve the agent of CPU.
        Await.until("every line delivered", Duration.ofSeconds(90),
                () -> receiver.lines().size() >= LINES && Delivered.of(receiver.lines()).distinct() >= LINES);
        Delivered d = Delivered.of(receiver.lines());
        System.out.printf("file input, kill -9 after %d accepted (%d written, %d checkpointed): delivered %s%n",
                acceptedBeforeKill, writtenAtKill, checkpointed, d);
        assertThat(d.isPrefix()).as("distinct lines form a prefix of those written: %s", d).isTrue();
        assertThat(d.prefix()).isEqualTo(LINES);
        // Read again after the kill: at most the lines past the last checkpoint save (no more than were written by
        // then), plus the output's two batches in flight. Far below re-reading the file.
        assertThat((long) d.duplicates()).as("duplicates: %s", d)
                .isLessThanOrEqualTo(writtenAtKill - checkpointed + 2L * BATCH);
    }

    /** The application: numbered lines, paced; at half-way app.log is renamed app.log.1 and a new app.log made. */
    private static void writeRotating(Path logs, AtomicLong written) {
        long start = System.nanoTime();
        OutputStream out = null;
        try {
            out = Files.newOutputStream(logs.resolve("app.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            for (int i = 0; i < LINES; i++) {
                if (i == LINES / 2) {
                    Files.move(logs.resolve("app.log"), logs.resolve("app.log.1"));
                    out.write(LineSender.line(i, 100)); // the writer's last line into the renamed file
                    written.incrementAndGet();
                    out.close();
                    out = Files.newOutputStream(logs.resolve("app.log"), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.APPEND);
                    continue;
                }
                out.write(LineSender.line(i, 100));
                written.incrementAndGet();
                if (i % 500 == 0) {
                    long due = start + i * 1_000_000_000L / RATE;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the writer, not waiting for a condition
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the test fails on the count
                }
            }
        }
    }

    private GaplessProcess startAgent(Path config, String log) throws Exception {
        return GaplessProcess.start(dir.resolve("data"), dir.resolve(log), Map.of(), "agent", "--config",
                config.toString()).awaitAgentUp(Duration.ofSeconds(60));
    }

    private Path writeConfig(String url) throws Exception {
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
                  - id: app
                    type: file
                    path: logs/app.log*
                    exclude: ['*.gz']
                    poll_interval: 20ms
                    scan_interval: 200ms
                outputs:
                  - id: central
                    type: http
                    url: %s
                    timeout: 5s
                    batch: { max_events: %d }
                    retry: { initial_backoff: 50ms, max_backoff: 500ms }
                """.formatted(url, BATCH));
        return config;
    }

    /**
     * The lines the input's checkpoint has passed: the sum of its entries' offsets over the line length (format v2,
     * {@code FileCheckpoint}: a 12-byte header with the entry count at 8; entries of 40 bytes, the offset at 32, then
     * the path, its length at 14). Replaced by rename, so a read sees one whole save.
     */
    private long checkpointedLines() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve("data/inputs/app.checkpoint"));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long offsets = 0;
        int at = 12;
        for (int i = b.getInt(8); i > 0; i--) {
            offsets += b.getLong(at + 32);
            at += 40 + Short.toUnsignedInt(b.getShort(at + 14));
        }
        return offsets / LineSender.line(0, 100).length;
    }

    private static long accepted(GaplessProcess agent) {
        var h = agent.health();
        return h == null ? 0 : h.path("inputs").path("app").path("accepted").asLong();
    }
}
