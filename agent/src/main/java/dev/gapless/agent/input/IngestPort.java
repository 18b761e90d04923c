package dev.gapless.agent.input;

import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.MessageBatch;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The way into the journal for every input: an input never touches the journal itself. Each sender of an input (a
 * TCP connection, a file tailer) {@link #open}s a {@link Sender} and offers it batches of events; the port tags and
 * counts them on the input's {@link InputStats} once, centrally: invalid UTF-8 is tagged, and a batch taken counts
 * its truncated and invalid lines; accepted events, their bytes and the last event time are counted once the
 * journal's force covers them (acknowledged); refusals count the sender as blocked and paused.
 *
 * <p>The bounds, and who waits at each:
 * <ul>
 *   <li>Journal full (or a failed disk, or a failed force): an offer is refused whole, nothing of it written. The
 *       sender is paused (counted in {@code blocked} once per refusal episode and in {@code paused} until it is
 *       taken again or closes) and must offer the same batch again when {@link Full#retry()} completes, reading
 *       nothing more meanwhile: a Netty input turns autoRead off until then, a thread blocks in
 *       {@link Sender#append}. Nothing is dropped by the port.</li>
 *   <li>A sender that goes away while refused drops what it holds: it says so with {@link Sender#reject}, which
 *       counts the events as rejected (never acknowledged) and logs it.</li>
 *   <li>Journal closed: nothing more is taken ({@link Closed}); the sender stops.</li>
 * </ul>
 * How many appended bytes a sender lets wait for their force is the sender's business (the TCP input pauses a
 * connection past 64 MiB), using {@link Taken#durable()}.
 */
public interface IngestPort {

    /**
     * Opens the way in for one sender of an input.
     *
     * @param stats the input's counters, and its id as the events' source
     * @param who   the sender, for the log (a peer address, a file path)
     */
    Sender open(InputStats stats, String who);

    /**
     * Opens the way in for one sender whose peer waits for each acknowledgement before it sends more (a RELP
     * window, an HTTP request waiting for its answer): its batches are forced as soon as the force under way ends,
     * not at the next {@code sync_interval}, since waiting out the interval would cap the peer at one window per
     * interval. Otherwise as {@link #open}.
     */
    Sender openAcknowledging(InputStats stats, String who);

    /** One sender's way in. Its offers are made by one thread at a time (a connection's event loop, a tailer). */
    interface Sender {

        /**
         * Offers a batch, all or none, without blocking; messages not valid UTF-8 are tagged {@code invalid_utf8}
         * first. The batch's source becomes the input's id; its receive time is the sender's to set. The batch may
         * be reused once this returns (the journal copied what it took).
         *
         * @return taken (with when it is durable), full (with when to offer it again) or closed
         * @throws IllegalArgumentException if one event cannot fit in a journal record: the input must bound what it
         *                                  accepts; nothing of the batch was written
         */
        Offer offer(MessageBatch batch);

        /**
         * Offers a batch, blocking while the journal is full (offered again each time {@link Full#retry()}
         * completes), for an input with a thread of its own.
         *
         * @return taken or closed, never full
         * @throws InterruptedException if the thread was interrupted while waiting (nothing of the batch taken)
         */
        default Offer append(MessageBatch batch) throws InterruptedException {
            while (true) {
                Offer offer = offer(batch);
                if (!(offer instanceof Full full)) {
                    return offer;
                }
                try {
                    full.retry().toCompletableFuture().get();
                } catch (ExecutionException never) {
                    // a retry signal completes normally; offer again either way
                }
            }
        }

        /** Drops {@code events} the sender could not offer or hand over: counted rejected and logged with why. */
        void reject(int events, String why);

        /**
         * The sender goes away: if it was paused it no longer waits, and what it still offers is taken or refused
         * without pausing it (nobody is left to pause). Idempotent.
         */
        void close();
    }

    /** What became of an offer. */
    sealed interface Offer permits Taken, Full, Closed {
    }

    /**
     * In the journal as seqs {@code firstSeq..lastSeq} (-1..head for an empty batch).
     *
     * @param durable completes once a force covers the batch, after its events were counted accepted; exceptionally
     *                if the journal closed before (never acknowledged: the source sends them again)
     */
    record Taken(long firstSeq, long lastSeq, CompletionStage<Void> durable) implements Offer {
    }

    /**
     * Refused whole: the journal is full (or its disk or a force failed).
     *
     * @param reason why, as the journal said
     * @param retry  completes when the sender should offer the batch again (the journal may have room)
     */
    record Full(AppendResult.Status reason, CompletionStage<Void> retry) implements Offer {
    }

    /** The journal is closed: nothing more is taken. */
    record Closed() implements Offer {
    }
}
