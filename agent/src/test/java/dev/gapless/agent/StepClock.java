package dev.gapless.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the test says; safe to read from other threads (an event loop) while it moves. */
public final class StepClock extends Clock {

    private volatile Instant now;

    public StepClock(Instant start) {
        this.now = start;
    }

    public StepClock() {
        this(Instant.parse("2026-12-01T00:00:00Z"));
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
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
