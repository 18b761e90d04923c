package dev.gapless.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How an output groups events into one send.
 *
 * @param maxEvents a batch holds at most this many events
 * @param maxBytes  a batch holds at most about this many bytes of messages (one event always fits)
 * @param maxWait   a partial batch is sent after waiting this long for more
 */
public record BatchConfig(int maxEvents, ByteSize maxBytes, Duration maxWait) {

    public static final BatchConfig DEFAULT = new BatchConfig(1000, ByteSize.ofMebibytes(1), Duration.ofMillis(100));

    public BatchConfig {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("batch.max_events must be at least 1");
        }
        Objects.requireNonNull(maxBytes, "maxBytes");
        Objects.requireNonNull(maxWait, "maxWait");
    }
}
