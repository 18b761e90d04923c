package dev.gapless.agent.output.syslog;

import dev.gapless.agent.output.Outcome;
import java.util.concurrent.CompletionStage;

/** How formatted messages reach the server: one per protocol, each a kept connection (or socket) of its own. */
interface Transport extends AutoCloseable {

    /**
     * Sends the messages of one batch, in order; completes, never exceptionally, within the transport's timeout.
     *
     * @param messages each message's bytes, framing not included; not changed until the stage completes
     * @param seqs     each message's seq, for transports that account per message (RELP)
     */
    CompletionStage<Outcome> send(byte[][] messages, long[] seqs);

    @Override
    void close();
}
