package dev.gapless.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline; never sleeps and hopes. */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} every 20 ms until it holds.
     *
     * @throws AssertionError naming {@code what} if the deadline passes first
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
