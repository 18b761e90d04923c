package dev.gapless.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What the audit checks against.
 *
 * @param heartbeatGap      a silence between two heartbeats (by received_at) longer than this is reported
 * @param maxTimeRegression an event whose event_time is earlier than the previous event's of the same
 *                          boot by more than this is reported
 * @param maxFuture         an event whose event_time is later than the audit's clock by more than this is reported
 * @param expectFromStart   seqs before an agent's first seq seen (from 1) count as undeclared missing
 * @param clock             the audit's notion of now, for {@code maxFuture}
 */
public record AuditOptions(
        Duration heartbeatGap,
        Duration maxTimeRegression,
        Duration maxFuture,
        boolean expectFromStart,
        Clock clock) {

    /** The agent's default heartbeat interval; a gap is three missed beats. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT_GAP = DEFAULT_HEARTBEAT_INTERVAL.multipliedBy(3);
    public static final Duration DEFAULT_MAX_TIME_REGRESSION = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(5);

    public AuditOptions {
        Objects.requireNonNull(heartbeatGap, "heartbeatGap");
        Objects.requireNonNull(maxTimeRegression, "maxTimeRegression");
        Objects.requireNonNull(maxFuture, "maxFuture");
        Objects.requireNonNull(clock, "clock");
        if (heartbeatGap.isNegative() || maxTimeRegression.isNegative() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("audit bounds must not be negative");
        }
    }

    /** The defaults, with the system clock. */
    public static AuditOptions defaults() {
        return new AuditOptions(DEFAULT_HEARTBEAT_GAP, DEFAULT_MAX_TIME_REGRESSION, DEFAULT_MAX_FUTURE,
                false, Clock.systemUTC());
    }

    public AuditOptions withClock(Clock newClock) {
        return new AuditOptions(heartbeatGap, maxTimeRegression, maxFuture, expectFromStart, newClock);
    }

    public AuditOptions withExpectFromStart(boolean expect) {
        return new AuditOptions(heartbeatGap, maxTimeRegression, maxFuture, expect, clock);
    }
}
