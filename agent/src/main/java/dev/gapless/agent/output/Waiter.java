package dev.gapless.agent.output;

import dev.gapless.agent.journal.Journal;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Every wait of an output worker goes through here: sleeping out a backoff, lingering for records to fill a batch,
 * polling for a loss marker to be durable. Each wait is bounded by its caller, and an interrupt (a stop) ends it.
 * Production blocks ({@link #blocking}); a test answers at once and steps its {@link Ticker} instead.
 */
public interface Waiter {

    /** Sleeps for at least {@code nanos} on the ticker the waiter was made with. */
    void sleep(long nanos) throws InterruptedException;

    /**
     * Waits up to {@code timeoutNanos} until the journal's durable point passes {@code seq}.
     *
     * @return true if it did
     */
    boolean awaitDurableAfter(Journal journal, long seq, long timeoutNanos) throws InterruptedException;

    /**
     * Waits up to {@code timeoutNanos} for {@code future} to complete.
     *
     * @return true if it completed normally; false at the timeout
     * @throws ExecutionException if it completed exceptionally
     */
    boolean await(Future<?> future, long timeoutNanos) throws InterruptedException, ExecutionException;

    /** The production waiter: real blocking, a sleep lasting at least its time on {@code ticker}. */
    static Waiter blocking(Ticker ticker) {
        return new BlockingWaiter(ticker);
    }
}
