package dev.gapless.watchdog.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The restart budget: restarts (the watchdog's and outside ones) within a sliding window.
 * Holds at most {@code max + 1} times: older ones can never matter again, so the deque is bounded.
 * Owned by the probe-loop thread (through {@link Policy}).
 */
final class RestartWindow {

    private final int max;
    private final Duration per;
    private final Deque<Instant> times = new ArrayDeque<>();

    RestartWindow(int max, Duration per) {
        this.max = Math.max(0, max);
        this.per = per;
    }

    /** Restarts within the window ending at {@code now}. */
    int count(Instant now) {
        Instant cutoff = now.minus(per);
        while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
            times.pollFirst();
        }
        return times.size();
    }

    boolean spent(Instant now) {
        return count(now) >= max;
    }

    void record(Instant at) {
        times.addLast(at);
        // Bound: only the newest max + 1 can still decide whether the budget is spent.
        while (times.size() > max + 1) {
            times.pollFirst();
        }
    }

    /** When the oldest counted restart leaves the window, i.e. when a spent budget frees a slot. */
    Instant nextSlotAt(Instant now) {
        count(now);
        return times.isEmpty() ? now : times.peekFirst().plus(per);
    }
}
