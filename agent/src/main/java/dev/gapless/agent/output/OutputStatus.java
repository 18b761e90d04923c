package dev.gapless.agent.output;

import com.codahale.metrics.Timer;
import dev.gapless.config.condition.Condition;
import java.util.concurrent.atomic.LongAdder;

/**
 * What an output's worker is doing, for /health and metrics. Written only by the worker thread; read by
 * any thread (every field is volatile or a LongAdder). Times are epoch milliseconds, 0 when never.
 */
public final class OutputStatus {
    public final String id;
    public final String type;
    public final String destination;
    public volatile long ackedSeq;
    public volatile long lastAckAt;
    public volatile long lastAttemptAt;
    public volatile long inFlightSince;
    public volatile int consecutiveFailures;
    public volatile String lastError;
    public volatile Outcome.ErrorKind lastErrorKind;
    /** Receive time (epoch ms) of the oldest record read but not yet acknowledged; 0 when none is held. */
    public volatile long oldestUnackedReceivedAt;
    /** Events the destination acknowledged, not counting those its route ({@code when:}) left out. */
    public final LongAdder deliveredRecords = new LongAdder();
    /**
     * Events the route ({@code when:}) left out, counted once the skipped records that declare them were delivered:
     * accounted for in the stream, never a loss. 0 for an output without {@code when:}.
     */
    public final LongAdder skippedRecords = new LongAdder();
    public final LongAdder deliveredBytes = new LongAdder();
    public final LongAdder failedAttempts = new LongAdder();
    /** Records handed to the destination, counting every attempt (so resends count again). */
    public final LongAdder sentRecords = new LongAdder();
    /** Records of attempts that failed and are sent again. */
    public final LongAdder retriedRecords = new LongAdder();
    /**
     * From a send's start to the destination's acknowledgement, for delivered sends: Dropwizard's
     * exponentially decaying sample (1028 values, weighted to the last 5 minutes; bounded however many sends).
     */
    public final Timer ackLatency = new Timer();
    public final LongAdder rejectedRecords = new LongAdder();
    /** Cursor writes that failed (each retried; the delivered batch is kept until one succeeds). */
    public final LongAdder cursorCommitFailures = new LongAdder();
    /** Since when the cursor cannot be written (the first failure of the current run of them); 0 when it can. */
    public volatile long cursorFailingSince;
    /** The latest cursor write's error while {@link #cursorFailingSince} is set, else null. */
    public volatile String cursorError;
    private final Condition when; // the route's when:, null without one

    /** The status of an output without {@code when:}. */
    public OutputStatus(String id, String type, String destination) {
        this(id, type, destination, null);
    }

    /** @param when the output's {@code when:} (its route), or null */
    public OutputStatus(String id, String type, String destination, Condition when) {
        this.id = id;
        this.type = type;
        this.destination = destination;
        this.when = when;
    }

    /**
     * Evaluations of the output's {@code when:} whose regex match ran out of its budget: the comparison was taken as
     * false ({@link Condition#regexTimeouts}). 0 without {@code when:}.
     */
    public long whenTimeouts() {
        return when == null ? 0 : when.regexTimeouts();
    }
}
