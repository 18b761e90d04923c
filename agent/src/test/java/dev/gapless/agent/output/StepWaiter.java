package dev.gapless.agent.output;

import dev.gapless.agent.StepClock;
import dev.gapless.agent.input.TestJournals;
import dev.gapless.agent.journal.Journal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Waiter} that never sleeps, for a test that steps a {@link StepClock}: it records every wait it is asked
 * for and answers from what is true at once. With {@link #timePasses} a wait that ends at its bound moves the
 * clock by that bound, as real time would; without, the clock moves only when the test says.
 */
final class StepWaiter implements Waiter {

    private final StepClock clock;
    /** Every sleep asked for, in nanoseconds, in order. */
    final List<Long> sleeps = new ArrayList<>();
    /** The bound of every wait for durable records asked for, in nanoseconds, in order. */
    final List<Long> recordWaits = new ArrayList<>();
    /** One is run during each wait for records, in order, while there are any: what arrives meanwhile. */
    final Deque<Runnable> duringRecordWaits = new ArrayDeque<>();
    /** Run during every sleep (e.g. to stop what sleeps). */
    Runnable duringSleep = () -> { };
    boolean timePasses;

    StepWaiter(StepClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(long nanos) {
        sleeps.add(nanos);
        duringSleep.run();
        if (timePasses) {
            clock.advanceNanos(nanos);
        }
    }

    @Override
    public boolean awaitDurableAfter(Journal journal, long seq, long timeoutNanos) {
        recordWaits.add(timeoutNanos);
        Runnable arrives = duringRecordWaits.poll();
        if (arrives != null) {
            arrives.run();
        }
        if (journal.durableSeq() > seq) {
            return true;
        }
        if (timePasses) {
            clock.advanceNanos(timeoutNanos);
        }
        return false;
    }

    /**
     * A future completes on another thread (the journal's syncer), which stepping the clock cannot hurry: this one
     * waits for it, for real, up to the tests' deadline.
     */
    @Override
    public boolean await(Future<?> future, long timeoutNanos) throws InterruptedException, ExecutionException {
        try {
            future.get(TestJournals.DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            throw new AssertionError("not completed within " + TestJournals.DEADLINE, e);
        }
    }
}
