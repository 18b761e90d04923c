package dev.gapless.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How an output groups events into one send.
 *
 * @param maxEvents a batch holds at most this many events
 * @param maxBytes  a batch holds at most about this many bytes of messages (one event always fits)
 * @param maxWait     a partial batch is sent after waiting this long for more
 * @param maxInFlight at most this many batches sent and not yet answered, as far as the output's type allows
 *                    (a type that writes one stream, such as a file, sends one at a time whatever this says)
 */
public record BatchConfig(int maxEvents, ByteSize maxBytes, Duration maxWait, int maxInFlight) {

    /** Each batch holds buffers (about 320 KiB while idle): the window is bounded so they are. */
    public static final int MAX_IN_FLIGHT_LIMIT = 64;
    public static final BatchConfig DEFAULT = new BatchConfig(1000, ByteSize.ofMebibytes(1), Duration.ofMillis(100), 1);

    /** One batch in flight at a time. */
    public BatchConfig(int maxEvents, ByteSize maxBytes, Duration maxWait) {
        this(maxEvents, maxBytes, maxWait, 1);
    }

    public BatchConfig {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("batch.max_events must be at least 1");
        }
        Objects.requireNonNull(maxBytes, "maxBytes");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException("batch.max_in_flight must be 1.." + MAX_IN_FLIGHT_LIMIT);
        }
    }
}
