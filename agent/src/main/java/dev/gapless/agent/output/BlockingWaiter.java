package dev.gapless.agent.output;

import dev.gapless.agent.journal.Journal;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link Waiter#blocking}: waits really, on the thread that asks. */
final class BlockingWaiter implements Waiter {

    private final Ticker ticker;

    BlockingWaiter(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        // Thread.sleep may round a fraction of a millisecond down: sleep again until the ticker says the time is
        // up, so a caller that checks its deadline after the sleep finds it passed.
        long end = ticker.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - ticker.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    @Override
    public boolean awaitDurableAfter(Journal journal, long seq, long timeoutNanos) throws InterruptedException {
        return journal.awaitDurableAfter(seq, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean await(Future<?> future, long timeoutNanos) throws InterruptedException, ExecutionException {
        try {
            future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
