package dev.gapless.bench;

import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.journal.JournalOptions;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** What the benchmarks share: events shaped like the agent's, and a journal configured like the agent's. */
final class Fixtures {

    /** The agent's record cap with the default max_line_bytes (1 MiB + 64 KiB, see Agent.maxRecordBytes). */
    static final int MAX_RECORD_BYTES = (1 << 20) + (64 << 10);
    /** Where benchmark journals go: {@code -Dbench.dir=...} to put them on another disk. */
    static final Path BASE = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));

    private Fixtures() {
    }

    /** A 256-byte printable ASCII message, distinct per {@code i}. */
    static byte[] message(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) ('a' + (k + i) % 26);
        }
        byte[] n = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, b, 0, Math.min(n.length, size));
        return b;
    }

    /** {@code count} events as the TCP input appends them: one read's lines back to back, source "bench". */
    static MessageBatch batch(int count, int size) {
        MessageBatch batch = new MessageBatch(count * size);
        batch.source("bench");
        batch.receivedAtNanos(System.currentTimeMillis() * 1_000_000L);
        for (int i = 0; i < count; i++) {
            byte[] m = message(i, size);
            batch.add(m, 0, m.length, 0);
        }
        return batch;
    }

    /**
     * Opens a fresh journal as the agent does: the agent's record cap and the block size it derives from it,
     * 64 MiB segments, the given durability, a 20 ms sync interval.
     */
    static Journal openJournal(Path dir, Durability durability) throws IOException {
        JournalConfig config = new JournalConfig(durability, Duration.ofMillis(20), ByteSize.ofGibibytes(4),
                ByteSize.ofMebibytes(512), JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(64));
        JournalOptions options = new JournalOptions(dir, config, UUID.randomUUID(), MAX_RECORD_BYTES,
                JournalOptions.blockSizeFor(MAX_RECORD_BYTES), Clock.systemUTC());
        return Journal.open(options, 0);
    }

    static Path tempDir(String prefix) throws IOException {
        Files.createDirectories(BASE);
        return Files.createTempDirectory(BASE, prefix);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
