package dev.gapless.agent.output;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.codec.SkippedRun;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.agent.output.route.Route;
import dev.gapless.config.BatchConfig;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output's accumulator: reads the records after its cursor from the journal, fills a batch up to
 * {@code max_events} / {@code max_bytes}, lingering up to {@code max_wait} (on the {@link Ticker}) for more, and
 * encodes it in the output's codec. While batches are in flight it reads ahead what is durable into the next batch
 * and encodes it, so the next send is ready when a slot frees. The batches are reused, their buffers with them:
 * one more than {@code max_in_flight} of them carry every batch of the output, never one allocated per batch. A
 * record the codec cannot write is declared lost through the {@link Committer} and left out. With a {@code when:}
 * ({@link Route}) the events it does not carry are left out too, each run of consecutive ones declared by one
 * skipped record at the place of the run, so the payload stays in seq order; a run ends at the end of the batch
 * (or of the range of a split batch) and the next batch starts a new one, so no record waits on a later one. Only
 * the output worker thread uses it.
 */
final class BatchSource {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class); // the worker's log, one voice
    /**
     * How long an idle source waits for new durable records before its worker looks again by itself: the journal
     * wakes it when its durable point moves and a stop interrupts it, so this only bounds the idle wake-ups.
     */
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often a reader that sees no record although the journal holds later ones looks again. */
    private static final long STUCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String id;
    private final Journal journal;
    private final JournalReader reader;
    private final Encoder encoder;
    private final Route route;
    private final BatchConfig config;
    private final Ticker ticker;
    private final Waiter waiter;
    private final Committer committer;
    private final BooleanSupplier running;

    // Only the output worker thread. The batch being read into (empty: nothing read ahead), and the batches done
    // with, kept for their buffers. A batch is in one of three places: here, spare, or the worker's window; so at
    // most max_in_flight + 1 exist.
    private Batch ahead = new Batch();
    private final ArrayDeque<Batch> spare = new ArrayDeque<>();

    /** Collaborators of a source; see the fields of the same names. */
    record Parts(String id, Journal journal, JournalReader reader, Encoder encoder, Route route, BatchConfig config,
            Ticker ticker, Waiter waiter, Committer committer, BooleanSupplier running) {
    }

    BatchSource(Parts p) {
        this.id = p.id();
        this.journal = p.journal();
        this.reader = p.reader();
        this.encoder = p.encoder();
        this.route = p.route();
        this.config = p.config();
        this.ticker = p.ticker();
        this.waiter = p.waiter();
        this.committer = p.committer();
        this.running = p.running();
    }

    /** True if a batch was read ahead and waits to be sent. */
    boolean readAhead() {
        return !ahead.isEmpty();
    }

    /**
     * Hands out the next batch: the one read ahead while others were sent, if any, topped up while
     * {@code max_wait} (counted from its first read) allows; else read now, waiting a while for records.
     *
     * @return the batch, encoded; null if no record came (the caller looks again)
     */
    Batch fill() throws InterruptedException {
        int max = config.maxEvents();
        long maxBytes = config.maxBytes().bytes();
        // Read into the batch ahead and hand it out only once filled: records the reader handed over stay in it
        // whatever throws on the way (the reader will not hand them over again), and the next fill goes on with
        // them, encoding what is not encoded yet.
        Batch batch = ahead;
        List<JournalRecord> records = batch.records;
        if (batch.isEmpty()) {
            batch.readAt(ticker.nanoTime());
            if (reader.read(max, maxBytes, records, batch.arena) == 0) {
                if (journal.durableSeq() >= reader.nextSeq()) {
                    // Durable records the reader cannot see yet (damage it is stepping over): look again shortly
                    // instead of spinning, since the durable point will not move to wake us.
                    waiter.sleep(STUCK_POLL_NANOS);
                } else {
                    waiter.awaitDurableAfter(journal, reader.nextSeq() - 1, IDLE_WAIT_NANOS);
                }
                return null;
            }
        }
        long bytes = encodedBytes(records, 0);
        // At max_wait after the first read the batch goes as it is; a full one (max_events, max_bytes) at once.
        long deadline = batch.readAtNanos() + config.maxWait().toNanos();
        long left;
        while (records.size() < max && bytes < maxBytes && (left = deadline - ticker.nanoTime()) > 0
                && running.getAsBoolean()) {
            if (!waiter.awaitDurableAfter(journal, reader.nextSeq() - 1, left)) {
                break;
            }
            int before = records.size();
            if (reader.read(max - before, maxBytes - bytes, records, batch.arena) == 0) {
                break; // durable records the reader cannot see yet (stepping over damage): send what we have
            }
            bytes += encodedBytes(records, before);
        }
        return handOut();
    }

    /** Encodes the rest of the batch ahead and hands it out, taking a spare (or a new) batch to read into next. */
    private Batch handOut() {
        Batch batch = ahead;
        encodeInto(batch, batch.encodedCount(), batch.records.size());
        closeRun(batch); // the batch ends here: so does the run of skipped events reaching its end
        batch.encodedUpTo(batch.records.size());
        batch.sendWhole();
        batch.encoded(encodedOf(batch));
        Batch next = spare.poll();
        ahead = next == null ? new Batch() : next;
        return batch;
    }

    /**
     * While batches are in flight: reads what is durable now (never waiting) into the batch ahead, up to its
     * limits, and encodes it, so the next batch is ready when a send completes. Not while {@code splitPending}
     * (a batch in flight is being split: its halves come first, and records read ahead would wait the longer).
     */
    void prefetch(boolean splitPending) {
        if (splitPending || !running.getAsBoolean()) {
            return;
        }
        List<JournalRecord> records = ahead.records;
        int before = records.size();
        if (before == 0) {
            ahead.readAt(ticker.nanoTime());
        }
        long bytes = encodedBytes(records, 0);
        if (before < config.maxEvents() && bytes < config.maxBytes().bytes()
                && reader.read(config.maxEvents() - before, config.maxBytes().bytes() - bytes, records,
                        ahead.arena) > 0) {
            encodeInto(ahead, ahead.encodedCount(), records.size());
            ahead.encodedUpTo(records.size());
        }
    }

    /**
     * The batch read ahead if it is ready to go without waiting: full ({@code max_events} or {@code max_bytes}),
     * or read {@code max_wait} ago.
     *
     * @return the batch, encoded; null if none is ready (nothing read ahead, or it may still fill)
     */
    Batch takeReady() {
        List<JournalRecord> records = ahead.records;
        if (records.isEmpty()) {
            return null;
        }
        boolean full = records.size() >= config.maxEvents() || encodedBytes(records, 0) >= config.maxBytes().bytes();
        if (!full && ticker.nanoTime() - ahead.readAtNanos() < config.maxWait().toNanos()) {
            return null;
        }
        return handOut();
    }

    /** Encodes the current range of {@code batch} anew into its payload (a range of a split batch). */
    void encodeRange(Batch batch) {
        batch.payload.reset();
        batch.frames.reset();
        batch.run.clear();
        batch.skipped = 0;
        encodeInto(batch, batch.rangeFrom(), batch.rangeTo());
        closeRun(batch);
        batch.encoded(encodedOf(batch));
    }

    /** The batch is done (delivered, or its refused records declared): kept for its buffers. */
    void done(Batch batch) {
        batch.clear();
        spare.add(batch);
    }

    private EncodedBatch encodedOf(Batch batch) {
        List<JournalRecord> records = batch.records;
        int from = batch.rangeFrom();
        int to = batch.rangeTo();
        return new EncodedBatch(records.get(from).seq(), records.get(to - 1).seq(), to - from,
                batch.payload.array(), batch.payload.length(), batch.frames.view());
    }

    private static long encodedBytes(List<JournalRecord> list, int from) {
        long bytes = 0;
        for (int i = from; i < list.size(); i++) {
            bytes += list.get(i).encodedLength();
        }
        return bytes;
    }

    /**
     * Appends the batch's records [from, to) to its payload in the output's codec, noting each one's frame. A record
     * the codec cannot write is declared lost (reason rejected) and left out: it would fail the same way at every
     * attempt. An event the route does not carry joins the batch's open run of skipped events, which is written
     * before the next record carried (and, by the caller, at the end of the batch or range).
     */
    private void encodeInto(Batch batch, int from, int to) {
        List<JournalRecord> list = batch.records;
        ByteSink out = batch.payload;
        for (int i = from; i < to; i++) {
            JournalRecord r = list.get(i);
            if (!route.carries(r)) {
                batch.skipped++;
                if (!batch.run.grow(r)) {
                    closeRun(batch); // a run is consecutive and of one boot: this record starts the next one
                    batch.run.start(r);
                }
                continue;
            }
            closeRun(batch);
            int mark = out.length();
            try {
                encoder.encode(r, out);
                batch.frames.add(r.seq(), out.length());
            } catch (IOException | RuntimeException e) {
                out.truncate(mark);
                log.error("output {}: cannot encode seq {}: {}", id, r.seq(), e.toString());
                committer.declareLost(r.seq(), r.seq());
            }
        }
    }

    /** Writes the batch's open run of skipped events, if any, as one skipped record, and ends it. */
    private void closeRun(Batch batch) {
        Batch.Run run = batch.run;
        if (run.isEmpty()) {
            return;
        }
        SkippedRun skipped = run.toSkipped();
        run.clear();
        ByteSink out = batch.payload;
        int mark = out.length();
        try {
            encoder.encodeSkipped(skipped, out);
            batch.frames.add(skipped.toSeq(), out.length());
        } catch (IOException | RuntimeException e) {
            // Unwritten, the run would be a hole in the stream: declared lost instead, so the audit still adds up.
            out.truncate(mark);
            log.error("output {}: cannot encode the skipped record of seq {}..{}: {}", id, skipped.fromSeq(),
                    skipped.toSeq(), e.toString());
            committer.declareLost(skipped.fromSeq(), skipped.toSeq());
        }
    }
}
