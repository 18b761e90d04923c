package dev.gapless.agent.output;

import java.util.concurrent.CompletionStage;

/**
 * The destination-specific half of an output: sends one encoded batch and says what became of it. Called by
 * one output worker thread, one send at a time; a sink bounds every send by its own timeout, so the stage
 * always completes (only a fault, such as an injected wedge, can keep it open).
 */
public interface Sink extends AutoCloseable {

    /** @return the outcome; a sink never completes the stage exceptionally for an expected failure */
    CompletionStage<Outcome> send(EncodedBatch batch);

    /** Where this sink sends, for /health and logs. */
    String destination();

    @Override
    void close();
}
