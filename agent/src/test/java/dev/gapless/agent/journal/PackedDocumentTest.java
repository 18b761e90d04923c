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

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records of one append share Chronicle documents: read in parts, damaged inside, recovered. */
class PackedDocumentTest {

    /** 200-byte messages: about 270 bytes a record, so a 64 KiB document holds about 240. */
    private static final int MESSAGE = 200;

    @TempDir
    Path dir;

    @Test
    void oneAppendTakesFewDocumentsAndSmallReadsDeliverEveryRecordOnceInOrder() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            long last = j.append(TestBatches.of(events("r", 1, 1000))).lastSeq();
            assertThat(last).isEqualTo(1000);
            assertThat(documents(j)).as("Chronicle documents for 1000 records of one append").isBetween(4L, 6L);
            j.whenDurable(last).get(5, TimeUnit.SECONDS);

            List<JournalRecord> read = new ArrayList<>();
            try (JournalReader reader = j.openReader("test", 0)) {
                for (int round = 0; round < 1000 && reader.nextSeq() <= last; round++) {
                    int n = reader.read(7, Long.MAX_VALUE, read); // cuts every document many times
                    assertThat(n).isBetween(1, 7);
                }
            }
            assertThat(read).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
            assertThat(read).allSatisfy(r -> assertThat(text(r)).startsWith("r" + r.seq() + "-"));
            assertThat(j.stats().corruptRecords.sum()).isZero();
        }
    }

    @Test
    void aGarbledLengthInsideADocumentDeclaresTheRestOfItAndTheNextDocumentIsDelivered() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            j.append(TestBatches.of(events("a", 1, 100))); // seqs 1..100: one document
            j.append(TestBatches.of(events("b", 101, 100))); // 101..200: the next one
        }
        Path data = dataFile(segmentDirs(dir).get(0));
        long at = indexOf(data, "a50-");
        assertThat(at).isPositive();
        // The record of seq 50 starts at its message minus the header and the source "test": its length field
        // at +4 becomes absurd, so nothing after it in that document can be found.
        long record = at - RecordCodec.HEADER_BYTES - "test".length();
        writeInt(data, record + 4, 0x7fff_fff0);

        try (Journal j = open(dir, smallConfig())) {
            long head = j.headSeq();
            assertThat(head).as("recovery counts what the garbled rest may hold: never less than 200")
                    .isGreaterThanOrEqualTo(200);
            List<JournalRecord> read = readAll(j, 0, head + 1); // the loss marker comes after the head
            List<Long> events = read.stream().filter(r -> r.kind() == RecordKind.EVENT).map(JournalRecord::seq)
                    .toList();
            assertThat(events).containsExactlyElementsOf(LongStream.concat(LongStream.rangeClosed(1, 49),
                    LongStream.rangeClosed(101, 200)).boxed().toList());
            List<JournalRecord> losses = read.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
            assertThat(losses).hasSize(1);
            assertThat(extra(losses.get(0))).contains("\"from_seq\":50,\"to_seq\":100,\"count\":51")
                    .contains("\"reason\":\"corrupt_record\"");
            assertThat(j.stats().corruptRecords.sum()).isEqualTo(1);
        }
    }

    @Test
    void aCorruptRecordInsideADocumentLosesOnlyItself() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            j.append(TestBatches.of(events("c", 1, 100)));
        }
        Path data = dataFile(segmentDirs(dir).get(0));
        long at = indexOf(data, "c50-");
        writeInt(data, at + 20, 0x5a5a5a5a); // inside seq 50's message: its CRC fails, its length still holds

        try (Journal j = open(dir, smallConfig())) {
            assertThat(j.headSeq()).isEqualTo(100);
            List<JournalRecord> read = readAll(j, 0, 101); // the loss marker takes seq 101
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).filter(s -> s != 50).boxed().toList());
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.LOSS).singleElement()
                    .satisfies(r -> assertThat(extra(r)).contains("\"from_seq\":50,\"to_seq\":50,\"count\":1"));
        }
    }

    @Test
    void aCorruptRecordIsCountedOnceThoughItsDocumentIsReadInParts() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            j.append(TestBatches.of(events("p", 1, 200))); // one document
        }
        Path data = dataFile(segmentDirs(dir).get(0));
        writeInt(data, indexOf(data, "p5-") + 20, 0x5a5a5a5a); // seq 5: its CRC fails, its length holds

        try (Journal j = open(dir, smallConfig())) {
            List<JournalRecord> read = new ArrayList<>();
            try (JournalReader reader = j.openReader("test", 0)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (reader.nextSeq() <= 201 && System.nanoTime() < deadline) { // 201: the loss marker
                    if (reader.read(7, Long.MAX_VALUE, read) == 0) {
                        j.awaitDurableAfter(reader.nextSeq() - 1, 50, TimeUnit.MILLISECONDS);
                    }
                }
            }
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).filter(s -> s != 5).boxed().toList());
            assertThat(j.stats().corruptRecords.sum()).as("the document was read in about 30 parts").isEqualTo(1);
        }
    }

    private static List<Event> events(String prefix, int from, int count) {
        List<Event> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(padded(prefix + i + "-", MESSAGE));
        }
        return out;
    }

    /** Data documents (not Chronicle's metadata) in the journal's segments. */
    private static long documents(Journal j) {
        long n = 0;
        for (Segment s : j.segments()) {
            try (ExcerptTailer t = s.acquire().createTailer()) {
                while (true) {
                    try (DocumentContext dc = t.readingDocument()) {
                        if (!dc.isPresent()) {
                            break;
                        }
                        n++;
                    }
                }
            } finally {
                s.release();
            }
        }
        return n;
    }

    private static void writeInt(Path file, long at, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), at);
        }
    }
}
