package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The force thread under failures: it never dies silently, and a failed fdatasync is never retried into an ack. */
class SyncerTest {

    @TempDir
    Path dir;

    @Test
    void anIdleSyncerSleepsUntilTheNextAppendWhichIsForcedWithinTheInterval() throws Exception {
        try (Journal j = open(dir, smallConfig())) { // batch, sync_interval 5 ms
            long first = j.append(TestBatches.of(padded("a", 10))).lastSeq();
            j.whenDurable(first).get(10, TimeUnit.SECONDS);
            JournalTestSupport.await("the syncer to go idle", 10, () -> j.syncer().idle());
            long rounds = j.syncer().rounds;
            // 60 intervals with nothing appended: a ticking syncer would wake ~60 times, an idle one not at all
            // (one more for a spurious wake-up of the condition); nothing to wait for, so this is a plain sleep
            Thread.sleep(300);
            assertThat(j.syncer().rounds - rounds).isLessThanOrEqualTo(1);
            assertThat(j.syncer().idle()).isTrue();

            long start = System.nanoTime();
            long second = j.append(TestBatches.of(padded("b", 10))).lastSeq();
            j.whenDurable(second).get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("woken by the append, not by its own idle timeout").isLessThan(TimeUnit.NANOSECONDS.toMillis(
                            Syncer.IDLE_NANOS));
            assertThat(j.durableSeq()).isEqualTo(second);
        }
    }

    @Test
    void underBatchAnAcknowledgementAPeerAwaitsIsForcedAtOnceNotAtTheInterval() throws Exception {
        JournalConfig slow = new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofSeconds(120),
                ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(1));
        try (Journal j = open(dir, slow)) {
            long a = j.append(TestBatches.of(padded("background", 10))).lastSeq();
            CompletableFuture<Void> background = j.whenDurable(a);
            long b = j.append(TestBatches.of(padded("awaited", 10))).lastSeq();
            // the interval is 2 minutes: only the awaited acknowledgement can have started a force this soon
            j.whenDurable(b, true).get(30, TimeUnit.SECONDS);
            assertThat(j.durableSeq()).isEqualTo(b);
            assertThat(background).as("the same force covered the earlier append").isDone();
        }
    }

    @Test
    void syncerSurvivesAnErrorCountsItAndKeepsAdvancingTheDurablePoint() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            AtomicInteger failures = new AtomicInteger(2);
            j.syncer().beforeForce = () -> {
                if (failures.getAndDecrement() > 0) {
                    throw new StackOverflowError("injected");
                }
            };
            long seq = j.append(TestBatches.of(padded("a", 10))).lastSeq();
            j.whenDurable(seq).get(10, TimeUnit.SECONDS);
            assertThat(j.durableSeq()).isEqualTo(seq);
            assertThat(j.stats().syncerErrors.sum()).isEqualTo(2);
        }
    }

    @Test
    void failedForceFreezesTheDurablePointAndRefusesAppendsEvenAfterARetrySucceeds() throws Exception {
        Path segmentDir;
        long first;
        long second;
        try (Journal j = open(dir, smallConfig())) {
            first = j.append(TestBatches.of(padded("first", 10))).lastSeq();
            j.whenDurable(first).get(10, TimeUnit.SECONDS);
            segmentDir = j.segmentFor(first).dir();
            // fdatasync answers EIO (injected: the forces go through file channels kept open, as a real one would)
            j.syncer().failForces = new IOException("Input/output error (injected) on " + segmentDir + "/zz.cq4");
            second = j.append(TestBatches.of(padded("second", 10))).lastSeq();
            var acked = j.whenDurable(second);
            JournalTestSupport.await("the force to fail", 10, () -> j.stats().forceFailed);

            assertThat(j.stats().forceFailedReason).contains("Input/output error");
            assertThat(j.stats().fullReason).isEqualTo("force_failed");
            assertThat(j.durableSeq()).isEqualTo(first);
            assertThat(j.append(TestBatches.of(padded("third", 10))).status())
                    .isEqualTo(AppendResult.Status.WRITE_FAILED);
            assertThat(j.appendAgentRecord(RecordKind.HEARTBEAT, s -> new byte[] {'{', '}'})).isEqualTo(-1);

            // The error is gone (Linux reports it once); a force now would succeed, yet nothing is acknowledged.
            j.syncer().failForces = null;
            assertThat(j.syncer().forceOnce()).isFalse();
            assertThat(j.durableSeq()).isEqualTo(first);
            assertThat(acked).isNotDone();
            assertThat(j.stats().forceFailed).isTrue();
        }
        // A restart re-reads what is on disk and takes appends again.
        try (Journal j = open(dir, smallConfig())) {
            assertThat(j.headSeq()).isGreaterThanOrEqualTo(second);
            long next = j.append(TestBatches.of(padded("after restart", 10))).lastSeq();
            j.whenDurable(next).get(10, TimeUnit.SECONDS);
            assertThat(JournalTestSupport.readAll(j, 0, next)).extracting(JournalTestSupport::text)
                    .contains("first.....", "second....", "after restart");
        }
    }

    @Test
    void aSegmentDirectoryThatVanishedUnderALiveSegmentIsAFailedForceNotADeletion() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            long first = j.append(TestBatches.of(padded("first", 10))).lastSeq();
            j.whenDurable(first).get(10, TimeUnit.SECONDS);
            Path segmentDir = j.segmentFor(first).dir();
            j.syncer().failForces = new java.nio.file.NoSuchFileException(segmentDir.resolve("x.cq4").toString());
            long second = j.append(TestBatches.of(padded("second", 10))).lastSeq();
            JournalTestSupport.await("the force to fail", 10, () -> j.stats().forceFailed);
            assertThat(j.durableSeq()).isEqualTo(first).isLessThan(second);
            assertThat(j.stats().forceFailedReason).contains("NoSuchFileException");
        }
    }

    @Test
    void retentionDoesNotClearTheFullReasonOfAFailedForce() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
            j.registerConsumer(acked::get);
            for (int i = 0; i < 2500; i++) {
                assertThat(j.append(TestBatches.of(padded("r" + i, 1000))).appended()).isTrue();
            }
            long head = j.headSeq();
            j.whenDurable(head).get(10, TimeUnit.SECONDS);
            acked.set(head);
            j.syncer().failForces = new IOException("Input/output error (injected)");
            j.append(TestBatches.of(padded("unforced", 10)));
            JournalTestSupport.await("the force to fail", 10, () -> j.stats().forceFailed);

            assertThat(j.retain()).isPositive();
            assertThat(j.stats().fullReason).isEqualTo("force_failed");
            j.syncer().failForces = null;
        }
    }
}
