package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After close nothing opens a queue again, and no reader moves. */
class JournalCloseTest {

    @TempDir
    Path dir;

    @Test
    void aReaderAfterCloseOpensNoQueueAndDoesNotAdvance() throws Exception {
        Journal j = open(dir, smallConfig());
        long head = j.append(TestBatches.of(padded("a", 10), padded("b", 10))).lastSeq();
        j.whenDurable(head).get(5, TimeUnit.SECONDS);
        Segment segment = j.segmentFor(head);
        JournalReader reader = j.openReader("late", 0);
        j.close();

        List<JournalRecord> out = new ArrayList<>();
        assertThat(reader.read(100, Long.MAX_VALUE, out)).isZero();
        assertThat(reader.nextSeq()).isEqualTo(1);
        assertThatThrownBy(segment::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("journal is closed");
        assertThat(segment.queueOpen()).isFalse();
        reader.close();
        assertThat(j.declareLoss(1, 1, "corrupt_record", null)).isEqualTo(-1);
    }
}
