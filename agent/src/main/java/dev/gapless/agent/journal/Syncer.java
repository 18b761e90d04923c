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
 * data is pending, and as soon as a peer waits for an acknowledgement ({@code awaited}: it sends nothing more until
 * answered, so waiting out the interval would only cap it at one window per interval); under {@code fsync} as soon
 * as any acknowledgement waits. Group commit falls out: one force covers every append made before it began. With
 * nothing appended since its last force it sleeps (up to {@link #IDLE_NANOS}) until the next append wakes it,
 * instead of ticking every {@code sync_interval}: an idle agent costs no wake-ups for it; the append that wakes it is
 * forced one {@code sync_interval} later, as any other.
 */
final class Syncer {

    private static final Logger log = LoggerFactory.getLogger(Syncer.class);
    /** The least wait before retrying a force that failed. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The longest an idle syncer sleeps before it looks again by itself (a wake-up lost to a bug costs this). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Journal journal;
    private final Durability durability;
    private final long intervalNanos;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    // Guarded by lock. Bounded by the number of appends waiting, which inputs bound by their own
    // in-flight limits (a TCP connection stops reading while its appends wait).
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    // Guarded by lock: how many of the waiters are awaited by a peer.
    private int awaited;
    private volatile boolean running = true;
    // Set (under lock) while the syncer sleeps with nothing to force; an append seeing it wakes the syncer.
    private volatile boolean idle;
    /** Rounds of the loop (wake-ups); for tests. */
    volatile long rounds;
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

    CompletableFuture<Void> waitFor(long seq, boolean byPeer) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        lock.lock();
        try {
            if (!running) {
                f.completeExceptionally(new IllegalStateException("journal closed"));
                return f;
            }
            waiters.add(new Waiter(seq, f, byPeer));
            if (byPeer) {
                awaited++;
            }
            if (durability == Durability.FSYNC || byPeer) {
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

    /**
     * The journal's head moved: wakes the syncer if it sleeps idle. Called by the appending thread after it
     * published the new head, so either the syncer sees that head before it sleeps or this sees it asleep.
     */
    void appended() {
        if (idle) {
            lock.lock();
            try {
                wake.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Whether the syncer sleeps with nothing to force; for tests. */
    boolean idle() {
        return idle;
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
            awaited = 0;
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
                rounds++;
                if (!failed && nothingToForce()) {
                    idle = true;
                    if (nothingToForce() && running) { // looked again after saying so: see appended()
                        wake.awaitNanos(IDLE_NANOS);
                    }
                    idle = false;
                    lastForce = System.nanoTime(); // the append that woke it waits one interval, as ever
                    continue;
                }
                // After a failed force, wait a full interval (at least RETRY_NANOS) instead of spinning on it.
                long wait = failed ? Math.max(intervalNanos, RETRY_NANOS) : intervalNanos;
                long due = lastForce + wait - System.nanoTime();
                boolean urgent = !failed && (durability == Durability.FSYNC ? !waiters.isEmpty() : awaited > 0);
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

    private boolean nothingToForce() {
        return journal.headSeq() <= journal.durableSeq();
    }

    private void completeThrough(long durable) {
        lock.lock();
        try {
            while (!waiters.isEmpty() && waiters.peek().seq <= durable) {
                Waiter w = waiters.poll();
                if (w.byPeer) {
                    awaited--;
                }
                w.future.complete(null);
            }
        } finally {
            lock.unlock();
        }
    }

    private record Waiter(long seq, CompletableFuture<Void> future, boolean byPeer) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return Long.compare(seq, o.seq);
        }
    }
}
