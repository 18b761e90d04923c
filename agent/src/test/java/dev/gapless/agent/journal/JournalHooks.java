package dev.gapless.agent.journal;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** Test-only levers on a journal's internals, for the tests of other packages. */
public final class JournalHooks {

    private JournalHooks() {
    }

    /**
     * Makes the journal behave as after a failed fdatasync: appends and agent records refused, durable point frozen.
     */
    public static void failForces(Journal journal) {
        journal.forceFailed(journal.firstSegment(), new IOException("injected force failure"));
    }

    /** Holds the syncer before its next force until {@code release} is counted down: the durable point stays put. */
    public static void holdForces(Journal journal, CountDownLatch release) {
        journal.syncer().beforeForce = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
