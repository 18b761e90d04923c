package dev.gapless.agent.input.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.JournalIngest;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection paused by a full journal counts as a paused sender (ingest_blocked) until it resumes or closes. */
class IngestPauseTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aPausedConnectionIsAPausedSenderSinceItsFirstRefusalUntilItIsTakenOrCloses() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128)))) {
            AtomicLong acked = new AtomicLong();
            journal.registerConsumer(acked::get);
            byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (journal.append(TestBatches.of(Event.line("fill", -1, 0, pad, 0))).appended()) {
                assertThat(journal.headSeq()).as("a 1 MiB journal fills within 10,000 appends").isLessThan(10_000);
            }
            InputStats stats = new InputStats("app", "tcp");
            Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
            EmbeddedChannel first = new EmbeddedChannel();
            EmbeddedChannel second = new EmbeddedChannel();
            JournalIngest port = new JournalIngest(journal, clock, first.eventLoop()); // its retry timer: stepped here
            first.pipeline().addLast(new LineFramer(1024), new IngestHandler(port, stats, clock));
            second.pipeline().addLast(new LineFramer(1024), new IngestHandler(port, stats, clock));

            first.writeInbound(Unpooled.copiedBuffer("one\n", StandardCharsets.UTF_8));
            second.writeInbound(Unpooled.copiedBuffer("two\n", StandardCharsets.UTF_8));
            assertThat(stats.paused.count()).isEqualTo(2);
            assertThat(stats.paused.since()).isEqualTo(T0.toEpochMilli());

            second.close();
            assertThat(stats.paused.count()).as("a closed connection no longer waits").isEqualTo(1);

            journal.whenDurable(journal.headSeq()).get();
            acked.set(journal.headSeq()); // the output caught up: retention frees the journal
            assertThat(journal.retain()).isPositive();
            first.advanceTimeBy(JournalIngest.FULL_RETRY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            long before = journal.headSeq();
            first.runScheduledPendingTasks(); // the retry of the held batch
            assertThat(journal.headSeq()).as("the held line taken").isEqualTo(before + 1);
            assertThat(stats.paused.count()).isZero();
            assertThat(stats.paused.since()).isZero();
            first.close();
        }
    }
}
