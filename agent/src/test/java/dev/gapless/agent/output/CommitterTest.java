package dev.gapless.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.StepClock;
import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.CursorStore;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalHooks;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.journal.TestBatches;
import dev.gapless.config.RetryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cursor follows the batches done, in whatever order their acks come, and never passes an undeclared loss. */
class CommitterTest {

    @TempDir
    Path dir;

    private final StepClock clock = new StepClock();
    private final StepWaiter waiter = new StepWaiter(clock);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Journal journal;
    private JournalReader reader;
    private CursorStore cursor;
    private OutputStatus status;
    private Committer committer;

    @BeforeEach
    void setUp() throws Exception {
        journal = TestJournals.open(dir.resolve("journal"));
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            events.add(Event.line("app", -1, 0, ("e" + i).getBytes(StandardCharsets.UTF_8), 0));
        }
        journal.whenDurable(journal.append(TestBatches.of(events)).lastSeq()).get(); // seq 1..30
        reader = journal.openReader("out", 0);
        cursor = new CursorStore(dir.resolve("out.cursor"), true);
        status = new OutputStatus("out", "test", "nowhere");
        committer = new Committer(new Committer.Parts("out", journal, reader, cursor,
                new Backoff(new RetryConfig(Duration.ofSeconds(1), Duration.ofSeconds(8))), waiter, clock, status,
                running::get), 0);
    }

    @AfterEach
    void tearDown() {
        reader.close();
        journal.close();
    }

    /** Commits, and says where the cursor on disk is now. */
    private long commit() throws Exception {
        committer.commit();
        assertThat(committer.committedSeq()).isEqualTo(cursor.load()).isEqualTo(status.ackedSeq);
        return cursor.load();
    }

    @Test
    void theCursorGoesToTheEndOfTheOldestBatchesDoneWhateverOrderTheAcksComeIn() throws Exception {
        committer.track(1, 10);
        committer.track(11, 20);
        committer.track(21, 30);

        committer.delivered(21, 30);
        assertThat(committer.behind()).as("batch 3 done, 1 and 2 still in flight").isFalse();
        assertThat(commit()).isZero();

        committer.delivered(1, 10);
        assertThat(committer.doneSeq()).isEqualTo(10);
        assertThat(commit()).as("batch 1 done; 2 holds back 3").isEqualTo(10);

        committer.delivered(11, 20);
        assertThat(committer.doneSeq()).isEqualTo(30);
        assertThat(commit()).as("all done").isEqualTo(30);
        assertThat(committer.behind()).isFalse();
    }

    @Test
    void aRejectedBatchIsDeclaredLostAndCountsAsDoneOnceItsMarkerIsDurable() throws Exception {
        committer.track(1, 10);
        committer.track(11, 20);

        committer.rejected(11, 20);
        assertThat(lossMarkers()).containsExactly(
                "{\"from_seq\":11,\"to_seq\":20,\"count\":10,\"reason\":\"rejected\",\"output\":\"out\"}");
        assertThat(commit()).as("batch 1 still in flight").isZero();

        committer.delivered(1, 10);
        assertThat(commit()).isEqualTo(20);
        assertThat(journal.durableSeq()).as("the marker (seq 31) durable before the cursor passed 11..20")
                .isGreaterThanOrEqualTo(31);
    }

    @Test
    void aPartlyRejectedBatchIsDeclaredWithItsCountAndDoesNotHideAWholeLossOfTheSameRange() throws Exception {
        committer.track(1, 10);
        committer.track(11, 20);

        committer.partlyRejected(11, 20, 3);
        committer.delivered(1, 10);
        assertThat(commit()).isEqualTo(20);
        assertThat(journal.durableSeq()).as("the marker (seq 31) durable before the cursor passed 11..20")
                .isGreaterThanOrEqualTo(31);
        // Another output refusing the same range whole still gets its marker: a partial one covers only its count.
        assertThat(journal.declareLoss(11, 20, "rejected", "other")).isEqualTo(32);
        assertThat(lossMarkers()).containsExactly(
                "{\"from_seq\":11,\"to_seq\":20,\"count\":3,\"reason\":\"partial_rejected\",\"output\":\"out\"}",
                "{\"from_seq\":11,\"to_seq\":20,\"count\":10,\"reason\":\"rejected\",\"output\":\"other\"}");
    }

    @Test
    void anOwedPartialLossMarkerHoldsTheCursorBackToo() throws Exception {
        committer.track(1, 10);
        JournalHooks.failForces(journal); // from now on no loss marker can be written
        committer.partlyRejected(1, 10, 2);
        assertThat(committer.doneSeq()).isEqualTo(10);
        waiter.duringSleep = () -> running.set(false);
        assertThat(commit()).as("the marker is owed: the cursor stays").isZero();
        committer.commitAtStop();
        assertThat(cursor.load()).isZero();
        assertThat(lossMarkers()).isEmpty();
    }

    @Test
    void aSplitBatchCountsUpToItsPartsDoneSoFar() throws Exception {
        committer.track(1, 10);
        committer.track(11, 20);

        committer.delivered(1, 4);
        committer.delivered(11, 20);
        assertThat(commit()).as("the first part of batch 1; batch 2 waits for the rest of it").isEqualTo(4);

        committer.rejected(5, 5);
        assertThat(commit()).isEqualTo(5);
        committer.delivered(6, 10);
        assertThat(commit()).isEqualTo(20);
        assertThat(lossMarkers()).containsExactly(
                "{\"from_seq\":5,\"to_seq\":5,\"count\":1,\"reason\":\"rejected\",\"output\":\"out\"}");
    }

    @Test
    void anOwedLossMarkerHoldsTheCursorBackUntilItIsWritten() throws Exception {
        committer.track(1, 10);
        committer.track(11, 20);
        JournalHooks.failForces(journal); // from now on no loss marker can be written
        committer.rejected(11, 20);
        committer.delivered(1, 10);
        assertThat(committer.doneSeq()).isEqualTo(20);

        List<Integer> attempts = new ArrayList<>();
        waiter.duringSleep = () -> {
            attempts.add(attempts.size() + 1);
            running.set(attempts.size() < 3); // the worker stops during the third backoff
        };
        assertThat(commit()).as("the marker is owed: not even batch 1's cursor is written").isZero();
        assertThat(waiter.sleeps).as("retried with backoff until the stop").hasSize(3);
        assertThat(waiter.sleeps.get(2)).isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());

        committer.commitAtStop();
        assertThat(cursor.load()).as("nor at the stop: the batch is sent again at the next start").isZero();
        assertThat(lossMarkers()).isEmpty();
    }

    @Test
    void acksOfBatchesNotInFlightAreRefused() {
        committer.track(1, 10);
        assertThatThrownBy(() -> committer.track(5, 12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> committer.delivered(11, 12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(committer.doneSeq()).isZero();
    }

    private List<String> lossMarkers() throws Exception {
        List<String> out = new ArrayList<>();
        for (JournalRecord r : TestJournals.readAll(journal, 0, journal.headSeq())) {
            if (r.kind() == RecordKind.LOSS) {
                out.add(new String(r.extra(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
