package dev.gapless.agent.journal;

import dev.gapless.agent.event.Event;
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

/** Builds small journals and events for tests. */
final class JournalTestSupport {

    static final int MAX_RECORD = 64 * 1024;

    private JournalTestSupport() {
    }

    static JournalConfig config(JournalConfig.Durability durability, ByteSize maxSize, ByteSize segmentSize,
                                JournalConfig.WhenFull whenFull) {
        return new JournalConfig(durability, Duration.ofMillis(5), maxSize, ByteSize.ofBytes(0), whenFull,
                segmentSize);
    }

    static JournalConfig smallConfig() {
        return config(JournalConfig.Durability.BATCH, ByteSize.ofMebibytes(64), ByteSize.ofMebibytes(1),
                JournalConfig.WhenFull.BLOCK);
    }

    static Journal open(Path dir, JournalConfig config) throws IOException {
        return open(dir, config, 0);
    }

    static Journal open(Path dir, JournalConfig config, long minHead) throws IOException {
        return Journal.open(new JournalOptions(dir, config, UUID.randomUUID(), MAX_RECORD,
                JournalOptions.blockSizeFor(MAX_RECORD), Clock.systemUTC()), minHead);
    }

    static List<Event> events(String prefix, int from, int count) {
        List<Event> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(Event.line("test", i, 1_000L * i, (prefix + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        return out;
    }

    /** Reads everything durable after {@code acked}, waiting for the durable point to reach {@code upTo}. */
    static List<JournalRecord> readAll(Journal journal, long acked, long upTo) throws InterruptedException {
        List<JournalRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (JournalReader reader = journal.openReader("test", acked)) {
            while (reader.nextSeq() <= upTo && System.nanoTime() < deadline) {
                if (reader.read(10_000, Long.MAX_VALUE, out) == 0) {
                    journal.awaitDurableAfter(reader.nextSeq() - 1, 50, TimeUnit.MILLISECONDS);
                }
            }
        }
        return out;
    }

    static String text(JournalRecord r) {
        return new String(r.message(), StandardCharsets.UTF_8);
    }
}
