package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gapless.agent.event.Event;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageReleaserTest {

    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final int EVENT_BYTES = 1000;
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @TempDir
    Path dir;

    @Test
    void unmapsWrittenPagesBeforeAForceAndEveryRecordReadsBackAcrossChunks() throws Exception {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux's /proc/self/smaps");
        try (Journal journal = JournalTestSupport.open(dir, JournalTestSupport.config(JournalConfig.Durability.NONE,
                ByteSize.ofMebibytes(256), ByteSize.ofMebibytes(64), JournalConfig.WhenFull.BLOCK))) {
            // No syncer (durability none): the test releases, as the syncer does before each force.
            // About 2 MiB: inside the first chunk (blocks are at least 4 MiB).
            int total = append(journal, 0, 2_000);
            long before = residentKib();
            journal.releaseWrittenPages();
            long after = residentKib();
            assertThat(before).as("resident KiB of the cycle file's mappings before").isGreaterThan(1_500);
            assertThat(after).as("resident KiB after releasing (before: %d)", before).isLessThan(before / 4);

            // Now well past several chunks, releasing between rounds as the syncer does.
            for (int round = 0; round < 30; round++) {
                total = append(journal, total, 1_000);
                journal.releaseWrittenPages();
            }
            assertThat(journal.awaitDurableAfter(total - 1, 10, TimeUnit.SECONDS)).isTrue();

            List<JournalRecord> read = JournalTestSupport.readAll(journal, 0, total);
            assertThat(read).hasSize(total);
            for (int i = 0; i < total; i++) {
                JournalRecord r = read.get(i);
                assertThat(r.seq()).isEqualTo(i + 1);
                String text = JournalTestSupport.text(r);
                assertThat(text).startsWith("e" + i + " ").hasSize(EVENT_BYTES);
            }
        }
    }

    @Test
    void aReaderUnmapsWhatItHasReadPast() throws Exception {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux's /proc/self/smaps");
        try (Journal journal = JournalTestSupport.open(dir, JournalTestSupport.config(JournalConfig.Durability.NONE,
                ByteSize.ofMebibytes(256), ByteSize.ofMebibytes(64), JournalConfig.WhenFull.BLOCK))) {
            int total = append(journal, 0, 3_000); // about 3 MiB, inside the first chunk; none: no force releases
            long before = residentKib();
            List<JournalRecord> read = JournalTestSupport.readAll(journal, 0, total);
            long after = residentKib();
            assertThat(read).hasSize(total);
            assertThat(before).as("resident KiB before reading").isGreaterThan(2_500);
            assertThat(after).as("resident KiB after reading it all (before: %d)", before)
                    .isLessThan(PageReleaser.READ_RELEASE / 1024 + 512);
        }
    }

    private static int append(Journal journal, int from, int count) {
        List<Event> batch = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            batch.add(JournalTestSupport.padded("e" + i + " ", EVENT_BYTES));
        }
        assertThat(journal.append(TestBatches.of(batch)).appended()).isTrue();
        return from + count;
    }

    /** Resident KiB of this process's mappings of journal cycle files. */
    private long residentKib() throws IOException {
        long total = 0;
        boolean inCycleFile = false;
        for (String line : Files.readAllLines(SMAPS)) {
            if (MAPPING.matcher(line).lookingAt()) {
                inCycleFile = line.contains(dir.toString()) && line.endsWith("F.cq4");
            } else if (inCycleFile && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return total;
    }
}
