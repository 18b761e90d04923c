package dev.gapless.agent.journal;

import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A child JVM for {@link JournalKillIT}: appends in a loop and prints each seq once it is durable. */
final class KillChild {

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        JournalConfig cfg = new JournalConfig(JournalConfig.Durability.BATCH, Duration.ofMillis(2),
                ByteSize.ofGibibytes(1), ByteSize.ofBytes(0), JournalConfig.WhenFull.BLOCK, ByteSize.ofMebibytes(1));
        Journal j = JournalTestSupport.open(Path.of(args[0]), cfg);
        long head = j.headSeq();
        while (true) {
            List<dev.gapless.agent.event.Event> batch = JournalTestSupport.events("e", (int) head, 50);
            AppendResult r = j.append(TestBatches.of(batch));
            if (!r.appended()) {
                throw new IllegalStateException("append refused: " + r);
            }
            head = r.lastSeq();
            j.whenDurable(head).thenRun(() -> {
                System.out.println("durable " + r.lastSeq());
                System.out.flush();
            });
        }
    }
}
