package dev.gapless.agent.journal;

import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters the journal keeps; the agent's metrics and /health read them. Every field is thread-safe. */
public final class JournalStats {
    /** Records appended since start (events, heartbeats, markers). */
    public final LongAdder appendedRecords = new LongAdder();
    /** Bytes appended since start. */
    public final LongAdder appendedBytes = new LongAdder();
    /** Appends refused because the journal was full or the disk below min_free. */
    public final LongAdder fullRefusals = new LongAdder();
    /** Records that failed their checks on read and were skipped (each declared by a loss marker). */
    public final LongAdder corruptRecords = new LongAdder();
    /** Sequence numbers declared lost, by any cause. */
    public final LongAdder lostRecords = new LongAdder();
    /** Segments deleted by drop_oldest before every output read them. */
    public final LongAdder droppedSegments = new LongAdder();
    /** Forces (fdatasync rounds) completed. */
    public final LongAdder forces = new LongAdder();
    /** Nanoseconds the last force took. */
    public final AtomicLong lastForceNanos = new AtomicLong();
    /** How long forces take: count, rates, and quantiles over a bounded, recent-biased sample of 1028. */
    public final Timer forceDurations = new Timer();
    /** Unexpected failures (a bug, an Error) the syncer thread survived; each is logged at ERROR. */
    public final LongAdder syncerErrors = new LongAdder();
    /**
     * Set once a force (fdatasync) failed; never cleared in this run. Linux reports a write-back error once and
     * marks the pages clean, so a retry that succeeds proves nothing: the journal refuses appends and its durable
     * point stays frozen until a restart re-reads what is on disk.
     */
    public volatile boolean forceFailed;
    /** Epoch ms of that failed force, 0 when none; set before {@link #forceFailed}. */
    public volatile long forceFailedAt;
    /** The segment and error of that failed force, or null. The force-failed fields: only Journal.forceFailed. */
    public volatile String forceFailedReason;
    /** Why the journal refuses appends of events right now, or null; written only by JournalWriter (one writer). */
    public volatile String fullReason;
}
