package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.dataFile;
import static dev.gapless.agent.journal.JournalTestSupport.extra;
import static dev.gapless.agent.journal.JournalTestSupport.indexOf;
import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static dev.gapless.agent.journal.JournalTestSupport.segmentDirs;
import static dev.gapless.agent.journal.JournalTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A journal file cut short (an operator's {@code truncate}, a file system that lost the end of a file): the events
 * past the cut are gone, but every one of their seqs is declared lost and none is issued again.
 */
class TruncatedJournalTest {

    private static final int EVENTS = 30_000;
    private static final int PER_APPEND = 100;
    private static final Pattern LOSS = Pattern.compile("\"from_seq\":(\\d+),\"to_seq\":(\\d+)");

    @TempDir
    Path dir;

    enum Cut {
        TEN_PERCENT, HALF, NINETY_PERCENT, AT_A_DOCUMENT_BOUNDARY
    }

    @ParameterizedTest
    @EnumSource(Cut.class)
    void everySeqPastTheCutIsDeclaredAndNoneIsIssuedAgain(Cut cut) throws Exception {
        cutAndReopen(cut, JournalConfig.Durability.BATCH);
    }

    @Test
    void underDurabilityNoneTheMarkStillBoundsTheHead() throws Exception {
        // Unforced under none: the page cache holds it, which is what survives the agent's own crash.
        cutAndReopen(Cut.HALF, JournalConfig.Durability.NONE);
    }

    private void cutAndReopen(Cut cut, JournalConfig.Durability durability) throws Exception {
        JournalConfig config = JournalTestSupport.config(durability, ByteSize.ofMebibytes(256),
                ByteSize.ofMebibytes(64), JournalConfig.WhenFull.BLOCK);
        long issued;
        try (Journal j = open(dir, config)) {
            for (int first = 1; first <= EVENTS; first += PER_APPEND) {
                List<Event> batch = new ArrayList<>(PER_APPEND);
                for (int i = first; i < first + PER_APPEND; i++) {
                    batch.add(padded("record-" + i + "-", 200));
                }
                assertThat(j.append(TestBatches.of(batch)).appended()).isTrue();
            }
            issued = j.headSeq();
            j.whenDurable(issued).get(10, TimeUnit.SECONDS);
        }
        assertThat(issued).isEqualTo(EVENTS);
        Path data = dataFile(segmentDirs(dir).get(0));
        long cutAt = cutOffset(data, cut);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.truncate(cutAt);
        }

        try (Journal j = open(dir, config)) {
            long firstNew = j.append(TestBatches.of(padded("after-", 50))).firstSeq();
            assertThat(firstNew).as("the first seq issued after the cut").isGreaterThan(issued);
            long head = j.headSeq();
            j.whenDurable(head).get(10, TimeUnit.SECONDS);
            List<JournalRecord> read = readAll(j, 0, head + 1); // the marker comes after the head

            BitSet delivered = new BitSet();
            BitSet declared = new BitSet();
            for (JournalRecord r : read) {
                if (r.kind() == RecordKind.EVENT && text(r).startsWith("record-")) {
                    assertThat(text(r)).startsWith("record-" + r.seq() + "-");
                    assertThat(delivered.get((int) r.seq())).as("seq %d delivered twice", r.seq()).isFalse();
                    delivered.set((int) r.seq());
                } else if (r.kind() == RecordKind.LOSS) {
                    assertThat(extra(r)).contains("\"reason\":\"damaged_tail\"");
                    Matcher m = LOSS.matcher(extra(r));
                    assertThat(m.find()).as(extra(r)).isTrue();
                    declared.set(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) + 1);
                }
            }
            assertThat(delivered.cardinality()).as("events before the cut are delivered").isPositive()
                    .isLessThan(EVENTS);
            BitSet accounted = (BitSet) delivered.clone();
            accounted.or(declared);
            assertThat(accounted.nextClearBit(1)).as("the first seq neither delivered nor declared")
                    .isGreaterThan(EVENTS);
            assertThat(read).filteredOn(r -> r.kind() == RecordKind.EVENT && text(r).startsWith("after-"))
                    .extracting(JournalRecord::seq).containsExactly(firstNew);
        }
    }

    /** Where to cut the data file: a share of its written bytes, or exactly where a document of events begins. */
    private static long cutOffset(Path data, Cut cut) throws Exception {
        long written = indexOf(data, "record-" + EVENTS + "-") + 200;
        return switch (cut) {
            case TEN_PERCENT -> written / 10;
            case HALF -> written / 2;
            case NINETY_PERCENT -> written * 9 / 10;
            // One append is one document; its first record's message sits behind the record header, the source
            // ("test") and Chronicle's 4-byte document header.
            case AT_A_DOCUMENT_BOUNDARY -> indexOf(data, "record-" + (EVENTS / 2 + 1) + "-")
                    - RecordCodec.HEADER_BYTES - "test".length() - 4;
        };
    }
}
