package dev.gapless.agent.output.stdout;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes batches to the agent's standard output, unbuffered: a batch is delivered once every byte of it was handed
 * to the file descriptor. The agent logs to standard error, so nothing else writes here. A write that fails (the
 * reader of a pipe went away: {@code EPIPE}) is retried, and the batch waits in the journal; a reader that stops
 * reading blocks the write, and the watchdog sees a send that does not end. Called by the output worker thread only.
 */
public final class StdoutSink implements Sink {

    private final WritableByteChannel out;
    private final String destination;

    public StdoutSink() {
        // Not System.out: a PrintStream swallows write errors, and so would acknowledge what was never written.
        this(new FileOutputStream(FileDescriptor.out).getChannel(), "stdout");
    }

    StdoutSink(WritableByteChannel out, String destination) {
        this.out = out;
        this.destination = destination;
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        ByteBuffer buf = ByteBuffer.wrap(batch.bytes(), 0, batch.length());
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        } catch (IOException e) {
            // Part of the batch may be out already: the retry writes it whole again (at least once, as everywhere).
            return CompletableFuture.completedFuture(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                    "write to " + destination + " failed after " + buf.position() + " of " + batch.length()
                            + " bytes: " + e, null));
        }
    }

    @Override
    public String destination() {
        return destination;
    }

    /** Leaves the descriptor open: it is the process's, not the sink's. */
    @Override
    public void close() {
    }
}
