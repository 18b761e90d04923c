package dev.gapless.agent.journal;

import dev.gapless.agent.event.Event;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

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

    /** One event whose message is {@code text} padded with dots to {@code size} bytes. */
    static Event padded(String text, int size) {
        byte[] m = new byte[Math.max(size, text.length())];
        java.util.Arrays.fill(m, (byte) '.');
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, m, 0, t.length);
        return Event.line("test", 0, 0, m, 0);
    }

    /** Reads everything durable after {@code acked}, waiting for the durable point to reach {@code upTo}. */
    static List<JournalRecord> readAll(Journal journal, long acked, long upTo) throws InterruptedException {
        List<JournalRecord> out = new ArrayList<>();
        try (JournalReader reader = journal.openReader("test", acked)) {
            readInto(journal, reader, upTo, out);
        }
        return out;
    }

    /** Reads with {@code reader} until it has passed {@code upTo} or ten seconds have gone by. */
    static void readInto(Journal journal, JournalReader reader, long upTo, List<JournalRecord> out)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reader.nextSeq() <= upTo && System.nanoTime() < deadline) {
            try {
                if (reader.read(10_000, Long.MAX_VALUE, out) == 0) {
                    journal.awaitDurableAfter(reader.nextSeq() - 1, 50, TimeUnit.MILLISECONDS);
                }
            } catch (InternalError lateFault) {
                // A fault in a mapped page a full file system cannot back is raised by the JVM at a later point of
                // compiled code, possibly after the reader returned: the reader's state is whole (it handles the
                // fault it sees itself), and the agent's output worker survives such an Error the same way.
                if (!String.valueOf(lateFault.getMessage()).contains("unsafe memory access")) {
                    throw lateFault;
                }
            }
        }
    }

    static String text(JournalRecord r) {
        return new String(r.message(), StandardCharsets.UTF_8);
    }

    static String extra(JournalRecord r) {
        return new String(r.extra(), StandardCharsets.UTF_8);
    }

    /** Waits for {@code condition} up to {@code seconds}; fails the test with {@code what} at the deadline. */
    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The segment directories under {@code dir}, oldest first. */
    static List<Path> segmentDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The Chronicle data file ({@code .cq4}) of one segment. */
    static Path dataFile(Path segmentDir) throws IOException {
        try (Stream<Path> s = Files.list(segmentDir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
            if (files.size() != 1) {
                throw new AssertionError("expected one .cq4 file in " + segmentDir + ", found " + files);
            }
            return files.get(0);
        }
    }

    /** The offset of the first occurrence of {@code needle} in {@code file}, or -1. */
    static long indexOf(Path file, String needle) throws IOException {
        byte[] hay = Files.readAllBytes(file);
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= hay.length - n.length; i++) {
            for (int k = 0; k < n.length; k++) {
                if (hay[i + k] != n[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
