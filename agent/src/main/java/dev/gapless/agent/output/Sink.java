package dev.gapless.agent.output;

import java.util.concurrent.CompletionStage;

/**
 * The destination-specific half of an output: sends one encoded batch and says what became of it. Called by
 * one output worker thread, which starts up to {@link #maxInFlight()} sends before it takes the oldest one's
 * answer; a sink bounds every send by its own timeout, so the stage always completes (only a fault, such as an
 * injected wedge, can keep it open). {@code send} must not block: it hands the batch to the sink's own threads.
 */
public interface Sink extends AutoCloseable {

    /** @return the outcome; a sink never completes the stage exceptionally for an expected failure */
    CompletionStage<Outcome> send(EncodedBatch batch);

    /**
     * How many sends this sink takes at once; the output's {@code batch.max_in_flight} is capped by it. One (the
     * default) for a sink that writes one stream in order, such as a file or a single connection.
     */
    default int maxInFlight() {
        return 1;
    }

    /** Where this sink sends, for /health and logs. */
    String destination();

    @Override
    void close();
}
