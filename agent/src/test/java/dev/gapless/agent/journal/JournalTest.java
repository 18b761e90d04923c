package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.events;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void appendsDenseSeqsAndReadsThemBackInOrder() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            AppendResult a = j.append(TestBatches.of(events("a", 0, 3)));
            AppendResult b = j.append(TestBatches.of(events("b", 0, 2)));
            assertThat(a.appended()).isTrue();
            assertThat(a.firstSeq()).isEqualTo(1);
            assertThat(a.lastSeq()).isEqualTo(3);
            assertThat(b.firstSeq()).isEqualTo(4);
            j.whenDurable(b.lastSeq()).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 0, 5);
            assertThat(read).extracting(JournalRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(read).extracting(JournalTestSupport::text).containsExactly("a0", "a1", "a2", "b0", "b1");
            assertThat(read.get(0).kind()).isEqualTo(RecordKind.EVENT);
            assertThat(read.get(0).source()).isEqualTo("test");
        }
    }

    @Test
    void aBatchWritesEachMessagesFieldsPositionAndEventTimeAndNoneWhereNoneWasSet() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            MessageBatch batch = new MessageBatch(16);
            batch.source("app");
            batch.receivedAtNanos(5_000);
            batch.add(bytes("plain"), 0, 5, 0);
            byte[] json = bytes("xx{\"user\":\"ana\"}yy");
            batch.add(bytes("with fields"), 0, 11, 0);
            batch.fieldsOfLast(json, 2, json.length - 4);
            batch.positionOfLast(42);
            batch.eventTimeOfLast(4_000);
            long last = j.append(batch).lastSeq();
            j.whenDurable(last).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 0, last);
            assertThat(read).extracting(JournalTestSupport::text).containsExactly("plain", "with fields");
            assertThat(read).extracting(JournalTestSupport::extra).containsExactly("", "{\"user\":\"ana\"}");
            assertThat(read).extracting(JournalRecord::sourcePosition).containsExactly(-1L, 42L);
            assertThat(read).extracting(JournalRecord::eventTimeNanos).containsExactly(5_000L, 4_000L);
            assertThat(read).extracting(JournalRecord::receivedAtNanos).containsExactly(5_000L, 5_000L);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void freeTagsRoundTripThroughAppendAndReaderBesideRecordsWithout() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            MessageBatch batch = new MessageBatch(16);
            batch.source("app");
            batch.add(bytes("plain"), 0, 5, 0);
            batch.add(bytes("tagged"), 0, 6, 0);
            batch.freeTagsOfLast(java.util.List.of("_grokparsefailure", "ops"));
            batch.add(bytes("plain again"), 0, 11, 0);
            long last = j.append(batch).lastSeq();
            j.whenDurable(last).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 0, last);
            assertThat(read).extracting(JournalTestSupport::text).containsExactly("plain", "tagged", "plain again");
            assertThat(read.get(0).freeTags()).isEmpty();
            assertThat(read.get(1).freeTags()).containsExactly("_grokparsefailure", "ops");
            assertThat(read.get(2).freeTags()).isEmpty();
            assertThat(read.get(0).encodedLength()).isEqualTo(RecordCodec.encodedLength(3, 5, 0));
            assertThat(read.get(1).encodedLength()).isEqualTo(RecordCodec.HEADER_BYTES_V2 + 3 + 6
                    + (2 + 17) + (2 + 3) + RecordCodec.TRAILER_BYTES);
        }
    }

    @Test
    void theRecordCapCountsTheTagsPart() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            // A message that fits the cap as a v1 record, and no longer with its tags part.
            int message = JournalTestSupport.MAX_RECORD - RecordCodec.encodedLength(3, 0, 0) - 10;
            MessageBatch fits = new MessageBatch(message);
            fits.source("app");
            fits.add(new byte[message], 0, message, 0);
            assertThat(j.append(fits).appended()).isTrue();
            fits.freeTagsOfLast(java.util.List.of("_grokparsefailure"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.append(fits))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record cap");
        }
    }

    @Test
    void readsNothingPastTheDurablePoint() throws Exception {
        JournalConfig slow = new JournalConfig(JournalConfig.Durability.BATCH, java.time.Duration.ofHours(1),
                ByteSize.ofMebibytes(64), ByteSize.ofBytes(0), JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(1));
        try (Journal j = open(dir, slow)) {
            j.append(TestBatches.of(events("x", 0, 10)));
            List<JournalRecord> out = new java.util.ArrayList<>();
            try (JournalReader r = j.openReader("t", 0)) {
                assertThat(r.read(100, Long.MAX_VALUE, out)).isZero();
            }
            assertThat(j.durableSeq()).isZero();
        }
    }

    @Test
    void resumesAfterRestartWithSeqContinuing() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            j.append(TestBatches.of(events("a", 0, 100)));
        }
        try (Journal j = open(dir, smallConfig())) {
            assertThat(j.headSeq()).isEqualTo(100);
            AppendResult r = j.append(TestBatches.of(events("b", 0, 1)));
            assertThat(r.firstSeq()).isEqualTo(101);
            j.whenDurable(101).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 95, 101);
            assertThat(read).extracting(JournalRecord::seq).containsExactly(96L, 97L, 98L, 99L, 100L, 101L);
        }
    }

    @Test
    void headNeverFallsBelowTheGivenFloor() throws Exception {
        try (Journal j = open(dir, smallConfig(), 500)) {
            assertThat(j.append(TestBatches.of(events("a", 0, 1))).firstSeq()).isEqualTo(501);
        }
    }

    @Test
    void rollsSegmentsBySizeAndRetentionDeletesPassedOnes() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
            j.registerConsumer(acked::get);
            byte[] big = new byte[1000];
            for (int i = 0; i < 5000; i++) {
                j.append(TestBatches.of(dev.gapless.agent.event.Event.line("t", i, i, big, 0)));
            }
            long segments = countSegments();
            assertThat(segments).isGreaterThanOrEqualTo(4);
            assertThat(j.retain()).isZero();
            acked.set(j.headSeq());
            assertThat(j.retain()).isEqualTo(segments - 1);
            assertThat(countSegments()).isEqualTo(1);
            assertThat(j.diskBytes()).isLessThan(2L << 20);
        }
    }

    @Test
    void readerCrossesSegments() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            byte[] big = new byte[1000];
            for (int i = 0; i < 3000; i++) {
                j.append(TestBatches.of(dev.gapless.agent.event.Event.line("t", i, i, big, 0)));
            }
            j.whenDurable(3000).get(5, TimeUnit.SECONDS);
            assertThat(readAll(j, 0, 3000)).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 3000).boxed().toList());
        }
    }

    @Test
    void rejectsAnOversizedEventBeforeWritingAnythingOfItsBatch() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            List<dev.gapless.agent.event.Event> batch = new java.util.ArrayList<>(events("a", 0, 2));
            batch.add(dev.gapless.agent.event.Event.line("test", 0, 0, new byte[JournalTestSupport.MAX_RECORD], 0));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.append(TestBatches.of(batch)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record cap");
            assertThat(j.headSeq()).isZero();
            assertThat(j.append(TestBatches.of(events("b", 0, 1))).firstSeq()).isEqualTo(1);
        }
    }

    @Test
    void restartsWithoutAppendsLeaveNoEmptySegmentsAndSeqsContinue() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            j.append(TestBatches.of(events("a", 0, 3)));
        }
        for (int i = 0; i < 3; i++) {
            try (Journal j = open(dir, smallConfig())) {
                assertThat(j.headSeq()).isEqualTo(3);
            }
        }
        try (Journal j = open(dir, smallConfig())) {
            AppendResult r = j.append(TestBatches.of(events("b", 0, 1)));
            assertThat(r.firstSeq()).isEqualTo(4);
            j.whenDurable(4).get(5, TimeUnit.SECONDS);
            assertThat(readAll(j, 0, 4)).extracting(JournalTestSupport::text).containsExactly("a0", "a1", "a2", "b0");
            assertThat(j.stats().lostRecords.sum()).isZero();
        }
        assertThat(countSegments()).isEqualTo(2);
    }

    private long countSegments() throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(Files::isDirectory).count();
        }
    }
}
