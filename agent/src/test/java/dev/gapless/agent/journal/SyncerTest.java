package dev.gapless.agent.journal;

import static dev.gapless.agent.journal.JournalTestSupport.open;
import static dev.gapless.agent.journal.JournalTestSupport.padded;
import static dev.gapless.agent.journal.JournalTestSupport.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The force thread under failures: it never dies silently, and a failed fdatasync is never retried into an ack. */
class SyncerTest {

    @TempDir
    Path dir;

    @Test
    void syncerSurvivesAnErrorCountsItAndKeepsAdvancingTheDurablePoint() throws Exception {
        try (Journal j = open(dir, smallConfig())) {
            AtomicInteger failures = new AtomicInteger(2);
            j.syncer().beforeForce = () -> {
                if (failures.getAndDecrement() > 0) {
                    throw new StackOverflowError("injected");
                }
            };
            long seq = j.append(List.of(padded("a", 10))).lastSeq();
            j.whenDurable(seq).get(10, TimeUnit.SECONDS);
            assertThat(j.durableSeq()).isEqualTo(seq);
            assertThat(j.stats().syncerErrors.sum()).isEqualTo(2);
        }
    }
}
