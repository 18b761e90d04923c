package dev.gapless.agent.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.IngestPort.Full;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.ByteSize;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalIngestTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    // Only its event loop is used: the port's retry timer, stepped by the test.
    private final EmbeddedChannel timer = new EmbeddedChannel();

    @Test
    void anEventWithFieldsAppendedThroughThePortReadsBackWithThem() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"))) {
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop()).open(stats, "test");
            MessageBatch batch = new MessageBatch(64);
            batch.receivedAtNanos(1_000);
            batch.add(bytes("login"), 0, 5, 0);
            byte[] fields = bytes("{\"user\":\"ana\",\"ok\":true}");
            batch.fieldsOfLast(fields, 0, fields.length);
            batch.positionOfLast(17);
            batch.add(bytes("plain"), 0, 5, 0);

            Taken taken = (Taken) sender.offer(batch);
            taken.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);

            List<JournalRecord> records = TestJournals.readAll(journal, 0, taken.lastSeq());
            assertThat(TestJournals.texts(records)).containsExactly("login", "plain");
            assertThat(records.get(0).source()).as("the input's id").isEqualTo("app");
            assertThat(new String(records.get(0).extra(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"user\":\"ana\",\"ok\":true}");
            assertThat(records.get(0).sourcePosition()).isEqualTo(17);
            assertThat(records.get(1).extra()).isEmpty();
            assertThat(stats.accepted.sum()).isEqualTo(2);
            assertThat(stats.bytes.sum()).as("message bytes, not fields").isEqualTo(10);
            assertThat(stats.lastEventAt).isEqualTo(T0.toEpochMilli());
        }
    }

    @Test
    void tagsInvalidUtf8AndCountsTruncatedOnceWhenTaken() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"))) {
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop()).open(stats, "test");
            MessageBatch batch = new MessageBatch(64);
            batch.add(new byte[] {(byte) 0xFF, 'x'}, 0, 2, 0);
            batch.add(bytes("cut"), 0, 3, Tags.TRUNCATED);
            batch.add(bytes("fine"), 0, 4, 0);

            Taken taken = (Taken) sender.offer(batch);
            taken.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);

            List<JournalRecord> records = TestJournals.readAll(journal, 0, taken.lastSeq());
            assertThat(records).extracting(JournalRecord::tags).containsExactly(Tags.INVALID_UTF8, Tags.TRUNCATED, 0);
            assertThat(stats.invalidUtf8.sum()).isEqualTo(1);
            assertThat(stats.truncated.sum()).isEqualTo(1);
            assertThat(stats.accepted.sum()).isEqualTo(3);
        }
    }

    @Test
    void aRefusedSenderIsPausedAndOffersAgainAtTheNextTickUntilTaken() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128)))) {
            AtomicLong acked = new AtomicLong();
            journal.registerConsumer(acked::get);
            byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (journal.append(TestBatches.of(Event.line("fill", -1, 0, pad, 0))).appended()) {
                assertThat(journal.headSeq()).as("a 1 MiB journal fills within 10,000 appends").isLessThan(10_000);
            }
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop()).open(stats, "test");
            MessageBatch batch = new MessageBatch(64);
            batch.add(new byte[] {(byte) 0xFF}, 0, 1, Tags.TRUNCATED);

            Full full = (Full) sender.offer(batch);
            assertThat(full.reason()).isEqualTo(AppendResult.Status.FULL_MAX_SIZE);
            Full again = (Full) sender.offer(batch);
            assertThat(again.retry()).as("one retry signal for every waiting offer").isSameAs(full.retry());
            assertThat(stats.blocked.sum()).as("one refusal episode").isEqualTo(1);
            assertThat(stats.paused.count()).isEqualTo(1);
            assertThat(stats.paused.since()).isEqualTo(T0.toEpochMilli());
            assertThat(full.retry().toCompletableFuture()).isNotDone();

            timer.advanceTimeBy(JournalIngest.FULL_RETRY_MS, TimeUnit.MILLISECONDS);
            timer.runScheduledPendingTasks();
            assertThat(full.retry().toCompletableFuture()).as("the tick tells the sender to offer again").isDone();

            journal.whenDurable(journal.headSeq()).get(10, TimeUnit.SECONDS);
            acked.set(journal.headSeq()); // the output caught up: retention frees the journal
            assertThat(journal.retain()).isPositive();
            Offer offer = sender.offer(batch);
            assertThat(offer).isInstanceOf(Taken.class);
            ((Taken) offer).durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(stats.paused.count()).isZero();
            assertThat(stats.accepted.sum()).isEqualTo(1);
            assertThat(stats.truncated.sum()).as("counted once, when taken, not per refused offer").isEqualTo(1);
            assertThat(stats.invalidUtf8.sum()).isEqualTo(1);
            assertThat(stats.rejected.sum()).isZero();
        }
    }

    @Test
    void aClosedSenderIsNoLongerPausedAndWhatItDropsIsCountedRejected() throws Exception {
        try (Journal journal = TestJournals.open(dir.resolve("journal"),
                TestJournals.config(ByteSize.ofMebibytes(1), ByteSize.ofKibibytes(128)))) {
            byte[] pad = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
            while (journal.append(TestBatches.of(Event.line("fill", -1, 0, pad, 0))).appended()) {
                assertThat(journal.headSeq()).isLessThan(10_000);
            }
            InputStats stats = new InputStats("app", "test");
            IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop()).open(stats, "test");
            MessageBatch batch = new MessageBatch(64);
            batch.add(bytes("one"), 0, 3, 0);
            assertThat(sender.offer(batch)).isInstanceOf(Full.class);
            sender.close();
            assertThat(stats.paused.count()).isZero();
            assertThat(sender.offer(batch)).as("still refused").isInstanceOf(Full.class);
            assertThat(stats.paused.count()).as("a closed sender never pauses again").isZero();
            assertThat(stats.blocked.sum()).isEqualTo(1);
            sender.reject(1, "the connection closed");
            assertThat(stats.rejected.sum()).isEqualTo(1);
            assertThat(stats.accepted.sum()).isZero();
        }
    }

    @Test
    void aClosedJournalTakesNothingAndABlockingAppendReturnsAtOnce() throws Exception {
        Journal journal = TestJournals.open(dir.resolve("journal"));
        journal.close();
        IngestPort.Sender sender = new JournalIngest(journal, clock, timer.eventLoop())
                .open(new InputStats("app", "test"), "test");
        MessageBatch batch = new MessageBatch(64);
        batch.add(bytes("late"), 0, 4, 0);
        assertThat(sender.offer(batch)).isInstanceOf(IngestPort.Closed.class);
        assertThat(sender.append(batch)).isInstanceOf(IngestPort.Closed.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
