package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.config;
import static dev.gapless.agent.journal.JournalTestSupport.dataFile;
import static dev.gapless.agent.journal.JournalTestSupport.extra;
import static dev.gapless.agent.journal.JournalTestSupport.indexOf;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.segmentDirs;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.config.JournalConfig.WhenFull;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hole is passed only once its loss marker is written: agent records are exempt from max_size. */
class LossDeclarationTest {

    private static final JournalConfig FULL_AT_16M =
            config(Durability.BATCH, ByteSize.ofMebibytes(16), ByteSize.ofMebibytes(1), WhenFull.BLOCK);

    @TempDir
    Path dir;

    @Test
    void lossMarkerIsWrittenAfterARestartWhileFullWithNoOpenSegment() throws Exception {
        long head;
        try (Journal j = open(dir, FULL_AT_16M)) {
            for (int i = 1; j.append(TestBatches.of(padded("r" + i + ".", 1000))).appended(); i++) {
                assertThat(i).isLessThan(100_000);
            }
            head = j.headSeq();
        }
        corrupt(segmentDirs(dir).get(0), "r500.");

        try (Journal j = open(dir, FULL_AT_16M)) {
            assertThat(j.append(TestBatches.of(padded("still full", 1000))).status())
                    .as("precondition: full at start, so no segment is open")
                            .isEqualTo(AppendResult.Status.FULL_MAX_SIZE);
            List<JournalRecord> read = readAll(j, 0, head + 1);
            List<JournalRecord> losses = read.stream().filter(r -> r.kind() == RecordKind.LOSS).toList();
            assertThat(losses).hasSize(1);
            assertThat(extra(losses.get(0))).contains("\"from_seq\":500,\"to_seq\":500,")
                    .contains("\"reason\":\"corrupt_record\"");
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, head).filter(s -> s != 500).boxed().toList());
        }
    }

    @Test
    void readerStopsAtAHoleWhoseMarkerCannotBeWrittenWithoutPassingIt() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            for (int i = 1; i <= 1000; i++) {
                j.append(TestBatches.of(padded("r" + i + ".", 200)));
            }
        }
        corrupt(segmentDirs(dir).get(0), "r500.");

        try (Journal j = open(dir, smallConfig())) {
            JournalHooks.failForces(j); // agent records are refused from now on: a marker cannot be written
            List<JournalRecord> out = new ArrayList<>();
            try (JournalReader reader = j.openReader("test", 0)) {
                reader.read(10_000, Long.MAX_VALUE, out);
                assertThat(reader.nextSeq()).isEqualTo(500);
                assertThat(reader.read(10_000, Long.MAX_VALUE, out)).isZero();
                assertThat(reader.nextSeq()).as("still before the undeclared hole").isEqualTo(500);
            }
            assertThat(out).extracting(JournalRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 499).boxed().toList());
            assertThat(j.declareLoss(500, 500, "corrupt_record", null)).isEqualTo(-1);
        }
    }

    @Test
    void rollAskedByAReaderOpensANewSegmentEvenWhenFull() throws Exception {
        try (Journal j = open(dir, FULL_AT_16M)) {
            while (j.append(TestBatches.of(padded("big", 1000))).appended()) {
                assertThat(j.headSeq()).isLessThan(100_000);
            }
            while (j.append(TestBatches.of(padded("small", 10))).appended()) {
                assertThat(j.headSeq()).isLessThan(1_000_000);
            }
            long head = j.headSeq();
            int segments = segmentDirs(dir).size();
            j.requestRoll();
            assertThat(j.headSeq()).as("the roll's heartbeat was written").isEqualTo(head + 1);
            assertThat(segmentDirs(dir)).as("in a new segment").hasSize(segments + 1);
            assertThat(j.append(TestBatches.of(padded("events still refused", 10))).appended()).isFalse();
        }
    }

    /** Flips bytes inside the padding of the record whose message starts with {@code text}. */
    private static void corrupt(Path segmentDir, String text) throws IOException {
        Path data = dataFile(segmentDir);
        long at = indexOf(data, text);
        assertThat(at).isPositive();
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'#', '#', '#', '#'}), at + 20);
        }
    }
}
