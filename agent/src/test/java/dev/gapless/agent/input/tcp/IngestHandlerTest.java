package dev.gapless.agent.input.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestHandlerTest {

    @TempDir
    Path dir;

    @Test
    void closedConnectionDropsItsBatchWhileTheJournalIsFullAndHoldsNothing() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128)))) {
            byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (journal.append(TestBatches.of(Event.line("fill", -1, 0, pad, 0))).appended()) {
                assertThat(journal.headSeq()).isLessThan(10_000);
            }
            long head = journal.headSeq();
            InputStats stats = new InputStats("app", "tcp");
            EmbeddedChannel ch = new EmbeddedChannel();
            JournalIngest port = new JournalIngest(journal, Clock.systemUTC(), ch.eventLoop());
            ch.pipeline().addLast(new LineFramer(1024), new IngestHandler(port, stats, Clock.systemUTC()));
            ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("one\ntwo\n", StandardCharsets.UTF_8));
            assertThat(ch.config().isAutoRead()).as("paused while full").isFalse();
            assertThat(stats.rejected.sum()).isZero();

            ch.close();
            assertThat(stats.rejected.sum()).as("the closed connection's lines are dropped").isEqualTo(2);
            ch.runPendingTasks();
            ch.runScheduledPendingTasks();
            assertThat(journal.headSeq()).isEqualTo(head);
            assertThat(stats.accepted.sum()).isZero();
        }
    }
}
