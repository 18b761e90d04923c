package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.dataFile;
import static dev.gapless.agent.journal.JournalTestSupport.extra;
import static dev.gapless.agent.journal.JournalTestSupport.indexOf;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.segmentDirs;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static dev.gapless.agent.journal.JournalTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage to closed segments on disk: declared, stepped over, never a reason to stop. */
class DamageTest {

    private static final int RECORDS = 1000;

    @TempDir
    Path dir;

    @Test
    void skipsACorruptRecordInTheMiddleAndDeclaresExactlyItsSeq() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            for (int i = 1; i <= RECORDS; i++) {
                j.append(TestBatches.of(padded("record-" + i + "-", 200)));
            }
        }
        Path data = dataFile(segmentDirs(dir).get(0));
        long at = indexOf(data, "record-500-");
        assertThat(at).isPositive();
        flip(data, at + 20, 8); // inside the padding of seq 500's message

        try (Journal j = open(dir, smallConfig())) {
            assertThat(j.headSeq()).isEqualTo(RECORDS);
            List<JournalRecord> read = readAll(j, 0, RECORDS + 1);
            List<JournalRecord> events = read.stream().filter(r -> r.kind() == RecordKind.EVENT).toList();
            assertThat(events).extracting(JournalRecord::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, RECORDS).filter(s -> s != 500).boxed().toList());
            assertThat(events).allSatisfy(r -> assertThat(text(r)).startsWith("record-" + r.seq() + "-"));
            List<JournalRecord> losses = read.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
            assertThat(losses).hasSize(1);
            assertThat(extra(losses.get(0))).contains("\"from_seq\":500,\"to_seq\":500,\"count\":1")
                    .contains("\"reason\":\"corrupt_record\"");
            assertThat(losses.get(0).seq()).isEqualTo(RECORDS + 1);
            assertThat(j.stats().corruptRecords.sum()).isEqualTo(1);
            assertThat(j.stats().lostRecords.sum()).isEqualTo(1);
        }
    }

    @Test
    void scribbledTailIsDeclaredAndLaterAppendsAreDelivered() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            for (int i = 1; i <= RECORDS; i++) {
                j.append(TestBatches.of(padded("record-" + i + "-", 200)));
            }
        }
        Path data = dataFile(segmentDirs(dir).get(0));
        String last = "record-" + RECORDS + "-";
        long end = indexOf(data, last) + 200;
        scribble(data, end - 3 * 1024, end);

        long newFirst;
        try (Journal j = open(dir, smallConfig())) {
            newFirst = j.headSeq() + 1;
            assertThat(j.append(TestBatches.of(padded("after-1-", 50), padded("after-2-", 50))).appended()).isTrue();
            long head = j.headSeq();
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 0, head + 1);
            String summary = "read " + read.size() + " records, last " + (read.isEmpty() ? "none"
                    : read.get(read.size() - 1).seq()) + "; new segment from " + newFirst + "; not plain events: "
                    + read.stream().filter(r -> r.kind() != RecordKind.EVENT || !text(r).startsWith("record-"))
                    .map(r -> r.seq() + ":" + r.kind() + ":" + extra(r)).collect(Collectors.joining(", "));

            List<JournalRecord> before = read.stream()
                    .filter(r -> r.kind() == RecordKind.EVENT && text(r).startsWith("record-")).toList();
            assertThat(before).as(summary).isNotEmpty();
            long lastGood = before.get(before.size() - 1).seq();
            assertThat(before).extracting(JournalRecord::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, lastGood).boxed().toList());
            assertThat(lastGood).isLessThan(RECORDS).isGreaterThan(RECORDS - 40);

            List<JournalRecord> losses = read.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
            assertThat(losses).as(summary).hasSize(1);
            assertThat(extra(losses.get(0))).contains("\"from_seq\":" + (lastGood + 1) + ",\"to_seq\":"
                    + (newFirst - 1))
                    .contains("\"reason\":\"damaged_tail\"");
            assertThat(read).as(summary).filteredOn(r -> r.kind() == RecordKind.EVENT && text(r).startsWith("after-"))
                    .extracting(JournalRecord::seq).containsExactly(newFirst, newFirst + 1);
            assertThat(newFirst).as("no seq the damaged segment may hold is issued again").isGreaterThan(RECORDS);
        }
        // And again after one more restart: the damaged segment is still stepped over, nothing new is lost.
        try (Journal j = open(dir, smallConfig())) {
            long head = j.append(TestBatches.of(padded("again-", 50))).lastSeq();
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, newFirst - 1, head);
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT).extracting(JournalTestSupport::text)
                    .containsExactly("after-1-" + ".".repeat(42), "after-2-" + ".".repeat(42), "again-"
                            + ".".repeat(44));
        }
    }

    @Test
    void garbledMetadataOfAClosedSegmentIsDeclaredLostAndDeliveryGoesOn() throws Exception {
        long firstOfSecond;
        try (Journal j = open(dir, smallConfig())) {
            for (int i = 1; i <= RECORDS; i++) {
                j.append(TestBatches.of(padded("record-" + i + "-", 200)));
            }
        }
        try (Journal j = open(dir, smallConfig())) {
            firstOfSecond = j.append(TestBatches.of(padded("second-", 50))).lastSeq();
        }
        Path metadata = segmentDirs(dir).get(0).resolve("metadata.cq4t");
        scribble(metadata, 0, java.nio.file.Files.size(metadata));

        try (Journal j = open(dir, smallConfig())) {
            long head = j.append(TestBatches.of(padded("third-", 50))).lastSeq();
            j.whenDurable(head).get(5, TimeUnit.SECONDS);
            // Chronicle retries claiming the garbled file's lock for chronicle.table.store.timeoutMS (10 s) before it
            // throws: read with a deadline past that.
            List<JournalRecord> read = new java.util.ArrayList<>();
            try (JournalReader reader = j.openReader("test", 0)) {
                for (int round = 0; round < 3 && reader.nextSeq() <= head + 1; round++) {
                    JournalTestSupport.readInto(j, reader, head + 1, read); // the marker comes after the head
                }
            }
            List<JournalRecord> losses = read.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
            assertThat(losses).hasSize(1);
            assertThat(extra(losses.get(0))).contains("\"from_seq\":1,\"to_seq\":" + RECORDS + ",")
                    .contains("\"reason\":\"damaged_tail\"");
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT).extracting(JournalTestSupport::text)
                    .containsExactly("second-" + ".".repeat(43), "third-" + ".".repeat(44));
            assertThat(firstOfSecond).isEqualTo(RECORDS + 1);
        }
    }

    private static void flip(Path file, long at, int count) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(count);
            ch.read(b, at);
            for (int i = 0; i < count; i++) {
                b.put(i, (byte) (b.get(i) ^ 0x5A));
            }
            b.rewind();
            ch.write(b, at);
        }
    }

    private static void scribble(Path file, long from, long to) throws IOException {
        byte[] garbage = new byte[(int) (to - from)];
        new Random(42).nextBytes(garbage);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(garbage), from);
        }
    }
}
