package dev.gapless.agent.input;

import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalOptions;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real journals in a test's temp folder, and waiting on conditions with a deadline (never sleep-and-hope). */
public final class TestJournals {

    public static final int MAX_RECORD = 64 * 1024;
    public static final Duration DEADLINE = Duration.ofSeconds(15);

    private TestJournals() {
    }

    public static JournalConfig config(ByteSize maxSize, ByteSize segmentSize) {
        return new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(5), maxSize, ByteSize.ofBytes(0),
                JournalConfig.WhenFull.BLOCK, segmentSize);
    }

    public static Journal open(Path dir) throws IOException {
        return open(dir, config(ByteSize.ofMebibytes(64), ByteSize.ofMebibytes(1)));
    }

    public static Journal open(Path dir, JournalConfig config) throws IOException {
        return Journal.open(new JournalOptions(dir, config, UUID.randomUUID(), MAX_RECORD,
                JournalOptions.blockSizeFor(MAX_RECORD), Clock.systemUTC()), 0);
    }

    /** Reads everything after {@code acked}, waiting (with a deadline) until the reader passed {@code upTo}. */
    public static List<JournalRecord> readAll(Journal journal, long acked, long upTo) throws InterruptedException {
        List<JournalRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (JournalReader reader = journal.openReader("test", acked)) {
            while (reader.nextSeq() <= upTo && System.nanoTime() < deadline) {
                if (reader.read(10_000, Long.MAX_VALUE, out) == 0) {
                    journal.awaitDurableAfter(reader.nextSeq() - 1, 50, TimeUnit.MILLISECONDS);
                }
            }
        }
        return out;
    }

    public static List<String> texts(List<JournalRecord> records) {
        List<String> out = new ArrayList<>();
        for (JournalRecord r : records) {
            out.add(new String(r.message(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Waits until {@code condition} holds; fails the test with {@code what} at the deadline. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5); // polling interval only: the condition decides, not the time
        }
    }
}
