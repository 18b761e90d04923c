package dev.gapless.agent.journal;

import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's one force thread: it forces appended segments to disk ({@link Segment#force()}: fdatasync of what
 * each segment not yet fully forced wrote since its last force) and then advances the durable point, completing the
 * acknowledgements that waited for it. Under {@code batch} it forces at least every {@code sync_interval} while
 * data is pending; under {@code fsync} as soon as an acknowledgement waits. Group commit falls out: one force
 * covers every append made before it began.
 */
final class Syncer {

    private static final Logger log = LoggerFactory.getLogger(Syncer.class);
    /** The least wait before retrying a force that failed. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Journal journal;
    private final Durability durability;
    private final long intervalNanos;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    // Guarded by lock. Bounded by the number of appends waiting, which inputs bound by their own
    // in-flight limits (a TCP connection stops reading while its appends wait).
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private volatile boolean running = true;
    // Tests only: run by the syncer thread before each force round (to make one fail as a bug would).
    volatile Runnable beforeForce;
    /** Tests only: a force of a live segment fails with this (an injected EIO) while it is set. */
    volatile IOException failForces;

    Syncer(Journal journal, JournalConfig config) {
        this.journal = journal;
        this.durability = config.durability();
        this.intervalNanos = config.syncInterval().toNanos();
        this.thread = new Thread(this::run, "gapless-journal-sync");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    CompletableFuture<Void> waitFor(long seq) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        lock.lock();
        try {
            if (!running) {
                f.completeExceptionally(new IllegalStateException("journal closed"));
                return f;
            }
            waiters.add(new Waiter(seq, f));
            if (durability == Durability.FSYNC) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (seq <= journal.durableSeq()) {
            completeThrough(journal.durableSeq());
        }
        return f;
    }

    void stop() {
        running = false;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forceOnce(); // a clean stop leaves everything durable
        lock.lock();
        try {
            for (Waiter w : waiters) {
                w.future.completeExceptionally(new IllegalStateException("journal closed"));
            }
            waiters.clear();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long lastForce = System.nanoTime();
        boolean failed = false;
        while (running) {
            lock.lock();
            try {
                // After a failed force, wait a full interval (at least RETRY_NANOS) instead of spinning on it.
                long wait = failed ? Math.max(intervalNanos, RETRY_NANOS) : intervalNanos;
                long due = lastForce + wait - System.nanoTime();
                boolean urgent = durability == Durability.FSYNC && !waiters.isEmpty() && !failed;
                if (!urgent && due > 0) {
                    wake.awaitNanos(due);
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            lastForce = System.nanoTime();
            try {
                Runnable hook = beforeForce;
                if (hook != null) {
                    hook.run();
                }
                failed = !forceOnce();
            } catch (RuntimeException | InternalError | AssertionError | StackOverflowError e) {
                // The thread must not die of a bug: the durable point would freeze with nothing saying why (out of
                // memory ends the process instead: ExitOnOutOfMemoryError). Retry after
                // the failed-force delay (at least RETRY_NANOS), so a persistent bug logs at most ten times a second.
                failed = true;
                journal.stats().syncerErrors.increment();
                log.error("journal syncer: unexpected failure, retrying: {}", e.toString(), e);
            }
        }
    }

    /**
     * One round: force what was appended so far, then publish it as durable.
     *
     * @return false if a force failed (the durable point did not move)
     */
    boolean forceOnce() {
        if (journal.stats().forceFailed) {
            return false; // permanent for this run: see Journal.forceFailed
        }
        long target = journal.headSeq();
        if (target <= journal.durableSeq()) {
            return true;
        }
        long start = System.nanoTime();
        journal.releaseWrittenPages();
        for (Segment s : journal.segments()) {
            if (s.firstSeq() > target) {
                break;
            }
            if (s.closedForWrites() && s.forcedComplete()) {
                continue;
            }
            boolean closedBefore = s.closedForWrites();
            try {
                IOException injected = failForces;
                if (injected != null) {
                    throw injected;
                }
                s.force();
                if (closedBefore) {
                    s.forcedComplete(true);
                    s.closeChannels(); // never forced again: hold no descriptor for it
                }
            } catch (NoSuchFileException gone) {
                if (!s.deleted()) {
                    journal.forceFailed(s, gone); // a file vanished under a live segment: not durable
                    return false;
                }
                // deleted by retention or drop_oldest meanwhile: nothing left to force
            } catch (IOException e) {
                // The durable point does not move, now or later: acknowledgements keep waiting, inputs back-pressure.
                journal.forceFailed(s, e);
                return false;
            }
        }
        if (!journal.markHighWater(target)) {
            return false;
        }
        JournalStats stats = journal.stats();
        stats.forces.increment();
        long took = System.nanoTime() - start;
        stats.lastForceNanos.set(took);
        stats.forceDurations.update(took, TimeUnit.NANOSECONDS);
        journal.durableThrough(target);
        completeThrough(target);
        return true;
    }

    private void completeThrough(long durable) {
        lock.lock();
        try {
            while (!waiters.isEmpty() && waiters.peek().seq <= durable) {
                waiters.poll().future.complete(null);
            }
        } finally {
            lock.unlock();
        }
    }

    private record Waiter(long seq, CompletableFuture<Void> future) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return Long.compare(seq, o.seq);
        }
    }
}
