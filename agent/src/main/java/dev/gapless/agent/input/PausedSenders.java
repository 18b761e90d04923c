package dev.gapless.agent.input;

/**
 * The senders of one input that the journal's refusals hold paused (TCP connections, a file tailer), and since when
 * at least one has been, without a break: /health reports {@code ingest_blocked} from it. Shared by the input's
 * threads (the event loops, or the tailer), so both fields are behind this object's monitor; a sender pauses and
 * resumes once per refusal episode, never per event, so the lock is off the hot path.
 */
public final class PausedSenders {

    private int count;
    private long since;

    /** A sender stopped reading because the journal refused its append. */
    public synchronized void pause(long nowMs) {
        if (count++ == 0) {
            since = nowMs;
        }
    }

    /** A sender that {@link #pause}d reads again (its append was taken, or it went away). */
    public synchronized void resume() {
        if (count > 0 && --count == 0) {
            since = 0;
        }
    }

    /** Epoch ms since when at least one sender has been paused without a break; 0 while none is. */
    public synchronized long since() {
        return since;
    }

    /** Senders paused now. */
    public synchronized int count() {
        return count;
    }
}
