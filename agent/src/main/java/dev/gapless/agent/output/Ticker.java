package dev.gapless.agent.output;

/**
 * A monotonic time source in nanoseconds, for an output's timing logic (backoff deadlines, {@code max_wait}):
 * only differences between two readings mean anything. Injected, so a test steps it instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** The running JVM's monotonic clock: the only place the output path reads {@code System.nanoTime}. */
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
