package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.Tmpfs;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.config.JournalConfig.WhenFull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a small tmpfs: min_free stops appends before the file system fills, and a file system that
 * fills anyway (min_free 0) refuses appends without taking the JVM down. Needs root to mount (CI runs as root);
 * skipped otherwise.
 */
class SmallTmpfsTest {

    @TempDir
    Path tmp;
    private Tmpfs tmpfs;
    private Path mount;
    private Journal journal;

    @AfterEach
    void unmount() throws Exception {
        if (journal != null) {
            journal.close();
        }
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    @Test
    void minFreeRefusesAppendsBeforeTheFileSystemFillsAndRecoversAfterRetention() throws Exception {
        mountTmpfs("48m");
        JournalConfig cfg = new JournalConfig(Durability.BATCH, Duration.ofMillis(5), ByteSize.ofGibibytes(1),
                ByteSize.ofMebibytes(16), WhenFull.BLOCK, ByteSize.ofMebibytes(4));
        journal = open(mount.resolve("journal"), cfg);
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get);

        AppendResult r = null;
        for (int i = 0; i < 200_000; i++) {
            r = journal.append(TestBatches.of(padded("r" + i, 1000)));
            if (!r.appended()) {
                break;
            }
        }
        assertThat(r.status()).isEqualTo(AppendResult.Status.FULL_MIN_FREE);
        long usable = Files.getFileStore(mount).getUsableSpace();
        assertThat(usable).as("refused with room to spare").isGreaterThan(8L << 20);
        assertThat(journal.stats().fullReason).isEqualTo("min_free");
        long head = journal.headSeq();
        assertThat(head).isGreaterThan(10_000);
        journal.whenDurable(head).get(10, TimeUnit.SECONDS);
        assertThat(readAll(journal, 0, head)).extracting(JournalRecord::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, head).boxed().toList());

        acked.set(head);
        assertThat(journal.retain()).isPositive();
        // Freed pages come back once Chronicle's asynchronous unmap ran: wait for it, within a deadline.
        AppendResult after = appendWithin(10, padded("after", 1000));
        assertThat(after.appended()).isTrue();
        assertThat(after.firstSeq()).isEqualTo(head + 1);
        assertThat(journal.stats().lostRecords.sum()).isZero();
    }

    @Test
    void fullFileSystemWithoutMinFreeRefusesAppendsAndKeepsWhatWasWritten() throws Exception {
        openOnAFullingTmpfs();
        AtomicLong acked = new AtomicLong();
        journal.registerConsumer(acked::get);
        long lastAppended = appendUntilTheDiskIsFull(1, 200_000);
        // Later appends keep being refused, not thrown, while the disk stays full.
        for (int i = 0; i < 5; i++) {
            AppendResult more = journal.append(TestBatches.of(padded("more", 1000)));
            assertThat(more.appended()).isFalse();
            assertThat(more.status()).isIn(AppendResult.Status.WRITE_FAILED, AppendResult.Status.FULL_MIN_FREE);
        }
        journal.whenDurable(lastAppended).get(10, TimeUnit.SECONDS);
        List<JournalRecord> read = readAll(journal, 0, lastAppended);
        assertThat(read).extracting(JournalRecord::seq)
                .startsWith(LongStream.rangeClosed(1, lastAppended).boxed().toArray(Long[]::new));

        // Once the consumer passed it, the wedged segment can go, and appends resume in a fresh one.
        acked.set(lastAppended);
        assertThat(journal.retain()).isEqualTo(1);
        AppendResult after = appendWithin(10, padded("after", 1000));
        assertThat(after.appended()).as("appends resume once space is back").isTrue();
        assertThat(after.firstSeq()).as("the seq the failed write got is never reused").isGreaterThan(lastAppended + 1);
        journal.whenDurable(after.lastSeq()).get(10, TimeUnit.SECONDS);
        assertThat(readAll(journal, lastAppended, after.lastSeq())).extracting(JournalRecord::seq)
                .endsWith(after.lastSeq());
    }

    @Test
    void aPackedDocumentTheFullFileSystemCutsIsNotPublished() throws Exception {
        openOnAFullingTmpfs();
        // 50 events of 1000 bytes an append: about 52 KiB, one document, cut by the full disk part way.
        long lastAppended = appendUntilTheDiskIsFull(50, 10_000);
        journal.whenDurable(lastAppended).get(10, TimeUnit.SECONDS);
        List<JournalRecord> read = new java.util.ArrayList<>();
        try (JournalReader reader = journal.openReader("test", 0)) {
            JournalTestSupport.readInto(journal, reader, lastAppended + 50, read); // the failed append's seqs too
        }
        assertThat(read).filteredOn(rec -> rec.kind() == dev.gapless.agent.event.RecordKind.EVENT)
                .extracting(JournalRecord::seq).as("what was appended, and nothing of the refused append")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, lastAppended).boxed().toList());
        assertThat(journal.stats().corruptRecords.sum()).as("no torn record was published").isZero();
    }

    /** A journal on a 12 MiB tmpfs with min_free 0: the file system itself fills. */
    private void openOnAFullingTmpfs() throws Exception {
        mountTmpfs("12m");
        JournalConfig cfg = new JournalConfig(Durability.BATCH, Duration.ofMillis(5), ByteSize.ofGibibytes(1),
                ByteSize.ofBytes(0), WhenFull.BLOCK, ByteSize.ofMebibytes(64));
        journal = open(mount.resolve("journal"), cfg);
    }

    /** Appends {@code perAppend} events of 1000 bytes at a time until a write fails; returns the last seq taken. */
    private long appendUntilTheDiskIsFull(int perAppend, int maxAppends) {
        AppendResult r = null;
        long lastAppended = 0;
        for (int i = 0; i < maxAppends; i++) {
            List<dev.gapless.agent.event.Event> batch = new java.util.ArrayList<>(perAppend);
            for (int k = 0; k < perAppend; k++) {
                batch.add(padded("r" + i + "-" + k + " ", 1000));
            }
            r = journal.append(TestBatches.of(batch));
            if (!r.appended()) {
                break;
            }
            lastAppended = r.lastSeq();
        }
        assertThat(r.status()).as("the file system filled").isEqualTo(AppendResult.Status.WRITE_FAILED);
        assertThat(lastAppended).isGreaterThan(1000);
        return lastAppended;
    }

    private AppendResult appendWithin(long seconds, dev.gapless.agent.event.Event e) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AppendResult r;
        while (!(r = journal.append(TestBatches.of(e))).appended() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return r;
    }

    private void mountTmpfs(String size) throws Exception {
        tmpfs = Tmpfs.mount(tmp, size);
        mount = tmpfs.path();
    }
}
