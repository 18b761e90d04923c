package dev.gapless.agent.journal;

import dev.gapless.agent.event.Event;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: measures the journal's peak disk use during a burst (2,000,000 × 256 B appends as fast as possible,
 * one consumer keeping up and retention after each of its batches). Run with
 * {@code mvn -o -q -pl agent -am test -Dtest=DiskUseMeasurement -Dgapless.measure=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "gapless.measure", matches = "true")
class DiskUseMeasurement {

    @TempDir
    Path dir;

    @Test
    void burst() throws Exception {
        int total = Integer.getInteger("gapless.measure.events", 2_000_000);
        JournalConfig cfg = new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(20),
                ByteSize.ofGibibytes(4), ByteSize.ofMebibytes(64), JournalConfig.WhenFull.BLOCK,
                ByteSize.ofMebibytes(64));
        byte[] message = new byte[256];
        java.util.Arrays.fill(message, (byte) 'x');
        AtomicLong peakApparent = new AtomicLong();
        AtomicLong peakAllocated = new AtomicLong();
        AtomicLong peakAccounted = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        try (Journal j = JournalTestSupport.open(dir, cfg)) {
            AtomicLong acked = new AtomicLong();
            j.registerConsumer(acked::get);
            Thread consumer = new Thread(() -> {
                List<JournalRecord> out = new ArrayList<>();
                try (JournalReader r = j.openReader("m", 0)) {
                    while (acked.get() < total) {
                        out.clear();
                        if (r.read(10_000, 16L << 20, out) == 0) {
                            j.awaitDurableAfter(r.nextSeq() - 1, 50, TimeUnit.MILLISECONDS);
                            continue;
                        }
                        acked.set(out.get(out.size() - 1).seq());
                        j.retain();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "consumer");
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    peakApparent.accumulateAndGet(apparent(dir), Math::max);
                    peakAllocated.accumulateAndGet(allocated(dir), Math::max);
                    peakAccounted.accumulateAndGet(j.diskBytes(), Math::max);
                }
            }, "sampler");
            consumer.start();
            sampler.start();
            long start = System.nanoTime();
            List<Event> batch = new ArrayList<>(100);
            for (int i = 0; i < total; i += 100) {
                batch.clear();
                for (int k = 0; k < 100; k++) {
                    batch.add(Event.line("bench", i + k, i + k, message, 0));
                }
                while (!j.append(TestBatches.of(batch)).appended()) {
                    Thread.onSpinWait();
                }
            }
            long appendNanos = System.nanoTime() - start;
            consumer.join(TimeUnit.MINUTES.toMillis(5));
            long drainNanos = System.nanoTime() - start;
            done.set(true);
            sampler.join();
            System.out.printf(
                    "MEASURE %d x 256 B: appended in %.2f s (%.2f M/s), drained in %.2f s; segment_size 64 MiB%n",
                    total, appendNanos / 1e9, total / (appendNanos / 1e9) / 1e6, drainNanos / 1e9);
            System.out.printf("MEASURE peak disk: apparent %.1f MiB, allocated %.1f MiB, journal accounting %.1f MiB;"
                    + " appended %.1f MiB in all; segments at end %d%n", peakApparent.get() / 1048576.0,
                    peakAllocated.get() / 1048576.0, peakAccounted.get() / 1048576.0,
                    j.stats().appendedBytes.sum() / 1048576.0, JournalTestSupport.segmentDirs(dir).size());
        }
    }

    private static long apparent(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static long allocated(Path dir) {
        try {
            Process p = new ProcessBuilder("du", "-s", "--block-size=1", dir.toString()).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
