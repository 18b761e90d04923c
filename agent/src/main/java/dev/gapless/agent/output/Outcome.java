package dev.gapless.agent.output;

import dev.gapless.contract.HealthFields;
import java.time.Duration;
import java.util.Objects;

/**
 * What became of one send, as a value. The worker moves the cursor only after it recorded one of these:
 * {@link Delivered} commits, {@link Retryable} retries the same batch, {@link Rejected} dead-letters it,
 * declares the loss and commits, {@link PartlyRejected} declares the count lost over the range and commits.
 */
public sealed interface Outcome {

    /** The destination acknowledged every event of the batch. */
    record Delivered() implements Outcome {
    }

    /**
     * The batch may succeed later.
     *
     * @param kind       whether the destination answered, could not be reached, or did not answer in time
     * @param message    what happened, for /health and the log
     * @param retryAfter the destination's own hint (HTTP {@code Retry-After}), or null
     */
    record Retryable(ErrorKind kind, String message, Duration retryAfter) implements Outcome {
        public Retryable {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The destination refused the batch for good (e.g. HTTP 400): retrying cannot help.
     *
     * @param reason the destination's answer
     */
    record Rejected(String reason) implements Outcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The destination took the batch but refused {@code count} of its records without naming them (OTLP's
     * {@code partial_success}): nothing can be retried or dead-lettered, so the range is done as if delivered and one
     * loss marker over it declares the count.
     *
     * @param count  records refused, at least 1
     * @param reason the destination's answer, for the log
     */
    record PartlyRejected(long count, String reason) implements Outcome {
        public PartlyRejected {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1, got " + count);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    Delivered DELIVERED = new Delivered();

    /** How a failed attempt failed: the watchdog tells a wedged agent from a refusing destination by it. */
    enum ErrorKind {
        /** The destination answered with an error (an HTTP status): it was reached. */
        REFUSED(HealthFields.ERROR_REFUSED),
        /** The destination could not be reached (connect refused or timed out, connection reset). */
        UNREACHABLE(HealthFields.ERROR_UNREACHABLE),
        /** Connected, but no answer in time. */
        TIMEOUT(HealthFields.ERROR_TIMEOUT),
        /** A permanent refusal; the batch was dead-lettered. */
        REJECTED(HealthFields.ERROR_REJECTED),
        /**
         * Not a send: the batch was delivered but the output's cursor cannot be written (the agent's own disk, e.g.
         * a read-only or full file system); the cursor write is retried and nothing moves on until it succeeds.
         */
        CURSOR_COMMIT(HealthFields.ERROR_CURSOR_COMMIT),
        /**
         * The agent's own code failed the send (the sink threw, or completed with an unexpected exception): a bug
         * on the agent's side, which the watchdog does not blame on the destination.
         */
        INTERNAL(HealthFields.ERROR_INTERNAL);

        private final String wireName;

        ErrorKind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
