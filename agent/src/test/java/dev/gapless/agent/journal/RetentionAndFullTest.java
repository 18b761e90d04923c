package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.config;
import static dev.gapless.agent.journal.JournalTestSupport.extra;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.readInto;
import static dev.gapless.agent.journal.JournalTestSupport.segmentDirs;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.config.JournalConfig.WhenFull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention, max_size under when_full block and drop_oldest. */
class RetentionAndFullTest {

    @TempDir
    Path dir;

    @Test
    void deletesASegmentOnlyOnceEveryConsumerPassedIt() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            AtomicLong fast = new AtomicLong();
            AtomicLong slow = new AtomicLong();
            j.registerConsumer(fast::get);
            j.registerConsumer(slow::get);
            for (int i = 0; i < 4000; i++) {
                assertThat(j.append(TestBatches.of(padded("r" + i, 1000))).appended()).isTrue();
            }
            List<Path> before = segmentDirs(dir);
            assertThat(before).hasSizeGreaterThanOrEqualTo(4);
            long secondFirst = Segment.parseDirName(before.get(1).getFileName().toString());
            long thirdFirst = Segment.parseDirName(before.get(2).getFileName().toString());

            fast.set(j.headSeq());
            assertThat(j.retain()).as("the slow consumer passed nothing").isZero();
            slow.set(secondFirst - 2); // one short of the end of the first segment
            assertThat(j.retain()).isZero();
            slow.set(secondFirst - 1); // the whole first segment
            assertThat(j.retain()).isEqualTo(1);
            assertThat(segmentDirs(dir)).containsExactlyElementsOf(before.subList(1, before.size()));
            assertThat(j.firstSeq()).isEqualTo(secondFirst);
            slow.set(thirdFirst); // into the third: only the second may go
            assertThat(j.retain()).isEqualTo(1);
            assertThat(j.firstSeq()).isEqualTo(thirdFirst);
            slow.set(j.headSeq());
            assertThat(j.retain()).isEqualTo(before.size() - 3);
            assertThat(segmentDirs(dir)).hasSize(1).as("the active segment stays");
            assertThat(j.stats().lostRecords.sum()).isZero();
            // What was not passed reads back whole after retention.
            long head = j.append(TestBatches.of(padded("tail", 10))).lastSeq();
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            assertThat(readAll(j, slow.get(), head)).extracting(JournalRecord::seq).containsExactly(head);
        }
    }

    @Test
    void blockRefusesAppendsWhenFullLosesNothingAndResumesAfterRetention() throws Exception {
        var cfg = config(Durability.BATCH, ByteSize.ofMebibytes(16), ByteSize.ofMebibytes(1), WhenFull.BLOCK);
        try (Journal j = open(dir, cfg)) {
            AtomicLong acked = new AtomicLong();
            j.registerConsumer(acked::get);
            AppendResult r = null;
            int appended = 0;
            for (int i = 0; i < 100_000; i++) {
                r = j.append(TestBatches.of(padded("r" + i, 1000)));
                if (!r.appended()) {
                    break;
                }
                appended++;
            }
            assertThat(r.status()).isEqualTo(AppendResult.Status.FULL_MAX_SIZE);
            assertThat(j.append(TestBatches.of(padded("again", 1000))).status())
                    .isEqualTo(AppendResult.Status.FULL_MAX_SIZE);
            assertThat(j.stats().fullReason).isEqualTo("max_size");
            assertThat(j.stats().fullRefusals.sum()).isEqualTo(2);
            assertThat(j.diskBytes()).isLessThanOrEqualTo(cfg.maxSize().bytes());
            long head = j.headSeq();
            assertThat(head).isEqualTo(appended);
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            assertThat(readAll(j, 0, head)).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, head).boxed().toList());

            assertThat(j.retain()).as("nothing acknowledged yet").isZero();
            assertThat(j.append(TestBatches.of(padded("still full", 1000))).appended()).isFalse();
            acked.set(head);
            assertThat(j.retain()).isPositive();
            assertThat(j.stats().fullReason).isNull();
            AppendResult after = j.append(TestBatches.of(padded("after", 10)));
            assertThat(after.appended()).isTrue();
            assertThat(after.firstSeq()).isEqualTo(head + 1);
            assertThat(j.stats().lostRecords.sum()).isZero();
        }
    }

    @Test
    void dropOldestDeclaresTheUnacknowledgedPartOfTheDroppedSegment() throws Exception {
        var cfg = config(Durability.BATCH, ByteSize.ofMebibytes(16), ByteSize.ofMebibytes(1), WhenFull.DROP_OLDEST);
        try (Journal j = open(dir, cfg)) {
            AtomicLong acked = new AtomicLong();
            j.registerConsumer(acked::get);
            List<JournalRecord> out = new ArrayList<>();
            try (JournalReader reader = j.openReader("slow", 0)) {
                j.append(TestBatches.of(padded("r0", 1000)));
                for (int i = 1; i < 10; i++) {
                    j.append(TestBatches.of(padded("r" + i, 1000)));
                }
                readInto(j, reader, 10, out); // the reader now holds the first segment open
                assertThat(out).hasSize(10);
                acked.set(5);

                for (int i = 10; j.stats().droppedSegments.sum() == 0; i++) {
                    assertThat(i).as("appends before the first drop").isLessThan(100_000);
                    assertThat(j.append(TestBatches.of(padded("r" + i, 1000))).appended()).isTrue();
                }
                long firstKept = j.firstSeq();
                long head = j.headSeq();
                assertThat(j.diskBytes()).isLessThanOrEqualTo(cfg.maxSize().bytes());
                j.whenDurable(head).get(5, TimeUnit.SECONDS);

                readInto(j, reader, head, out);
                // The reader held the dropped segment open; it let go when it moved on, and the files went then.
                assertThat(segmentDirs(dir)).extracting(p -> p.getFileName().toString())
                        .doesNotContain(Segment.dirName(1));
                List<JournalRecord> losses = out.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
                assertThat(losses).hasSize(1);
                assertThat(extra(losses.get(0))).isEqualTo("{\"from_seq\":6,\"to_seq\":" + (firstKept - 1)
                        + ",\"count\":" + (firstKept - 6) + ",\"reason\":\"drop_oldest\"}");
                List<Long> events = out.stream().filter(r -> r.kind() == RecordKind.EVENT).map(JournalRecord::seq)
                        .toList();
                List<Long> expected = new ArrayList<>(LongStream.rangeClosed(1, 10).boxed().toList());
                LongStream.rangeClosed(firstKept, head).filter(s -> s != losses.get(0).seq()).forEach(expected::add);
                assertThat(events).containsExactlyElementsOf(expected);
                assertThat(j.stats().droppedSegments.sum()).isEqualTo(1);
                assertThat(j.stats().lostRecords.sum()).isEqualTo(firstKept - 6);
            }
        }
    }

    @Test
    void aClosedSegmentNobodyReadsHoldsNoQueueNorForceChannelAndReopensOnDemand() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            for (int i = 0; i < 3000; i++) {
                assertThat(j.append(TestBatches.of(padded("r" + i, 1000))).appended()).isTrue();
            }
            long head = j.headSeq();
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            List<Segment> closed = new ArrayList<>();
            j.segments().forEach(s -> {
                if (s.closedForWrites()) {
                    closed.add(s);
                }
            });
            assertThat(closed).hasSizeGreaterThanOrEqualTo(2);
            JournalTestSupport.await("closed segments fully forced", 5,
                    () -> closed.stream().allMatch(Segment::forcedComplete));
            assertThat(closed).allSatisfy(s -> {
                assertThat(s.queueOpen()).as("%s after the writer left it", s).isFalse();
                assertThat(s.forceChannelCount()).as("%s once fully forced", s).isZero();
            });

            assertThat(readAll(j, 0, head)).hasSize((int) head);
            assertThat(closed).allSatisfy(s -> assertThat(s.queueOpen()).as("%s after the reader left it", s)
                    .isFalse());
            assertThat(readAll(j, 0, head)).as("read again: reopened on demand").hasSize((int) head);
        }
    }
}
