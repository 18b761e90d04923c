package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefaulterTest {

    @TempDir
    Path dir;

    @Test
    void readsAheadOfTheWriterWithoutChangingWhatReadersSee() throws Exception {
        try (Journal journal = JournalTestSupport.open(dir, JournalTestSupport.config(
                dev.gapless.config.JournalConfig.Durability.BATCH, dev.gapless.config.ByteSize.ofMebibytes(256),
                dev.gapless.config.ByteSize.ofMebibytes(64), dev.gapless.config.JournalConfig.WhenFull.BLOCK))) {
            int total = 0;
            for (int round = 0; round < 20; round++) {
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(JournalTestSupport.padded("e" + (total + i), 1000));
                }
                assertThat(journal.append(TestBatches.of(batch)).appended()).isTrue();
                total += batch.size();
            }
            Prefaulter p = journal.prefaulter();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.readTo() <= p.writerPosition() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(p.writerPosition()).isGreaterThan(total * 1000L);
            assertThat(p.readTo()).isGreaterThan(p.writerPosition());

            List<JournalRecord> read = JournalTestSupport.readAll(journal, 0, total);
            assertThat(read).hasSize(total);
            for (int i = 0; i < total; i++) {
                assertThat(read.get(i).seq()).isEqualTo(i + 1);
                assertThat(new String(read.get(i).message(), 0, ("e" + i).length())).isEqualTo("e" + i);
            }
        }
    }
}
