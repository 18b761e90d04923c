package dev.gapless.agent;

import dev.gapless.agent.output.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when the test says, both as wall time ({@link Clock}) and as monotonic nanoseconds
 * ({@link Ticker}); safe to read from other threads (an event loop) while it moves.
 */
public final class StepClock extends Clock implements Ticker {

    private volatile Instant now;
    // Monotonic nanoseconds from an arbitrary origin (not 0, so no code may take 0 for "never").
    private volatile long nanos = 1_000_000_000_000L;

    public StepClock(Instant start) {
        this.now = start;
    }

    public StepClock() {
        this(Instant.parse("2026-12-01T00:00:00Z"));
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    /** Moves both clocks by {@code nanos}. */
    public void advanceNanos(long nanos) {
        advance(Duration.ofNanos(nanos));
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
