package dev.gapless.agent.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.filter.FilterChain;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import dev.gapless.config.condition.Condition;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest port with a filter chain: what reaches the journal, and when filters run. */
class FilteredIngestTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private final EmbeddedChannel timer = new EmbeddedChannel();
    private final AtomicInteger runs = new AtomicInteger();
    private final FilterStats dropStats = new FilterStats("drop_1", "drop");

    private FilterChain chain() throws Exception {
        return new FilterChain(List.of(
                new FilterChain.Step(new FilterStats("count", "test"), Optional.empty(), e -> {
                    runs.incrementAndGet();
                    return true;
                }),
                new FilterChain.Step(dropStats, Optional.of(Condition.parse("message == \"noise\"")), e -> false)),
                1 << 20);
    }

    private static MessageBatch batch(String... lines) {
        MessageBatch b = new MessageBatch(64);
        for (String l : lines) {
            byte[] m = l.getBytes(StandardCharsets.UTF_8);
            b.add(m, 0, m.length, 0);
        }
        return b;
    }

    @Test
    void aDroppedEventTakesNoSeqAndIsNotCountedAccepted() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"))) {
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop(), chain())
                    .open(stats, "test");

            Taken taken = (Taken) sender.offer(batch("a", "noise", "b", "noise"));
            taken.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(taken.firstSeq()).isEqualTo(1);
            assertThat(taken.lastSeq()).as("dense: the dropped took none").isEqualTo(2);
            List<JournalRecord> records = TestJournals.readAll(journal, 0, taken.lastSeq());
            assertThat(TestJournals.texts(records)).containsExactly("a", "b");
            assertThat(stats.accepted.sum()).isEqualTo(2);
            assertThat(dropStats.dropped.sum()).isEqualTo(2);
        }
    }

    @Test
    void aBatchOfOnlyDroppedEventsIsTakenWithoutASeq() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"))) {
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop(), chain())
                    .open(stats, "test");

            Taken taken = (Taken) sender.offer(batch("noise"));

            taken.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(taken.firstSeq()).isEqualTo(-1);
            assertThat(journal.headSeq()).isZero();
        }
    }

    @Test
    void aBatchTheFullJournalRefusedIsNotFilteredAgainWhenOfferedAgain() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128)))) {
            AtomicLong acked = new AtomicLong();
            journal.registerConsumer(acked::get);
            byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (journal.append(TestBatches.of(Event.line("fill", -1, 0, pad, 0))).appended()) {
                assertThat(journal.headSeq()).as("a 1 MiB journal fills within 10,000 appends").isLessThan(10_000);
            }
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop(), chain())
                    .open(stats, "test");
            MessageBatch batch = batch("a", "noise");

            assertThat(sender.offer(batch)).isInstanceOf(Full.class);
            assertThat(sender.offer(batch)).isInstanceOf(Full.class);
            journal.whenDurable(journal.headSeq()).get(10, TimeUnit.SECONDS);
            acked.set(journal.headSeq());
            assertThat(journal.retain()).isPositive();
            Taken taken = (Taken) sender.offer(batch);
            taken.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(runs.get()).as("each event filtered once, not per offer").isEqualTo(2);
            assertThat(dropStats.dropped.sum()).isEqualTo(1);
            assertThat(taken.lastSeq() - taken.firstSeq()).isZero();

            // The same batch object refilled is a new batch: filtered anew.
            batch.clear();
            byte[] m = "c".getBytes(StandardCharsets.UTF_8);
            batch.add(m, 0, 1, 0);
            Taken next = (Taken) sender.offer(batch);
            next.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(runs.get()).isEqualTo(3);
            assertThat(TestJournals.texts(TestJournals.readAll(journal, next.firstSeq() - 1, next.lastSeq())))
                    .containsExactly("c");
        }
    }
}
