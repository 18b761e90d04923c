package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.events;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.config.JournalConfig.WhenFull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When an append becomes durable under each durability mode, and that readers never run ahead of it. */
class DurabilityTest {

    @TempDir
    Path dir;

    private static JournalConfig config(Durability durability, Duration interval) {
        return new JournalConfig(durability, interval, ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), WhenFull.BLOCK,
                ByteSize.ofMebibytes(1));
    }

    @Test
    void fsyncCompletesPromptlyWithoutWaitingForTheTimer() throws Exception {
        try (Journal j = open(dir, config(Durability.FSYNC, Duration.ofHours(1)))) {
            long last = j.append(TestBatches.of(events("a", 0, 10))).lastSeq();
            long start = System.nanoTime();
            j.whenDurable(last).get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
            assertThat(j.durableSeq()).isGreaterThanOrEqualTo(last);
            assertThat(j.stats().forces.sum()).isPositive();
        }
    }

    @Test
    void fsyncWithoutAWaiterLeavesRecordsUnreadable() throws Exception {
        try (Journal j = open(dir, config(Durability.FSYNC, Duration.ofHours(1)))) {
            long last = j.append(TestBatches.of(events("a", 0, 10))).lastSeq();
            List<JournalRecord> out = new ArrayList<>();
            try (JournalReader r = j.openReader("t", 0)) {
                assertThat(r.read(100, Long.MAX_VALUE, out)).isZero();
                j.whenDurable(last).get(5, TimeUnit.SECONDS);
                JournalTestSupport.readInto(j, r, last, out);
            }
            assertThat(out).extracting(JournalRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void batchCompletesWithinAboutTheSyncInterval() throws Exception {
        Duration interval = Duration.ofMillis(200);
        try (Journal j = open(dir, config(Durability.BATCH, interval))) {
            for (int round = 0; round < 3; round++) {
                long last = j.append(TestBatches.of(events("a", round * 10, 10))).lastSeq();
                long start = System.nanoTime();
                j.whenDurable(last).get(5, TimeUnit.SECONDS);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(tookMs).isLessThan(interval.toMillis() + 1_000);
            }
        }
    }

    @Test
    void batchWaitsForTheTimerAndReadersWaitWithIt() throws Exception {
        try (Journal j = open(dir, config(Durability.BATCH, Duration.ofHours(1)))) {
            long last = j.append(TestBatches.of(events("a", 0, 10))).lastSeq();
            CompletableFuture<Void> durable = j.whenDurable(last);
            assertThat(durable).isNotDone();
            assertThat(j.durableSeq()).isZero();
            List<JournalRecord> out = new ArrayList<>();
            try (JournalReader r = j.openReader("t", 0)) {
                assertThat(r.read(100, Long.MAX_VALUE, out)).isZero();
            }
            j.close(); // a clean close forces what was appended
            assertThat(j.durableSeq()).isEqualTo(last);
        }
        try (Journal j = open(dir, config(Durability.NONE, Duration.ofHours(1)))) {
            assertThat(readAll(j, 0, 10)).hasSize(10);
        }
    }

    @Test
    void noneIsDurableAtOnce() throws Exception {
        try (Journal j = open(dir, config(Durability.NONE, Duration.ofHours(1)))) {
            long last = j.append(TestBatches.of(events("a", 0, 10))).lastSeq();
            assertThat(j.whenDurable(last)).isDone();
            assertThat(j.durableSeq()).isEqualTo(last);
            assertThat(readAll(j, 0, last)).hasSize(10);
            assertThat(j.stats().forces.sum()).isZero();
        }
    }

    @Test
    void durablePointNeverPassesTheHeadAndReadersNeverPassTheDurablePoint() throws Exception {
        try (Journal j = open(dir, config(Durability.BATCH, Duration.ofMillis(2)))) {
            List<JournalRecord> out = new ArrayList<>();
            try (JournalReader r = j.openReader("t", 0)) {
                for (int i = 0; i < 200; i++) {
                    j.append(TestBatches.of(events("a", i * 5, 5)));
                    long durable = j.durableSeq();
                    assertThat(durable).isLessThanOrEqualTo(j.headSeq());
                    int before = out.size();
                    r.read(1000, Long.MAX_VALUE, out);
                    long readUpTo = out.isEmpty() ? 0 : out.get(out.size() - 1).seq();
                    assertThat(readUpTo).as("read after durable %d", durable).isLessThanOrEqualTo(j.durableSeq());
                    assertThat(out.size()).isGreaterThanOrEqualTo(before);
                }
                JournalTestSupport.readInto(j, r, 1000, out);
            }
            assertThat(out).extracting(JournalRecord::seq).hasSize(1000).doesNotHaveDuplicates().isSorted();
        }
    }
}
