package dev.gapless.agent.output;

import dev.gapless.agent.codec.ByteSink;
import dev.gapless.agent.codec.Encoder;
import dev.gapless.agent.journal.Journal;
import dev.gapless.agent.journal.JournalReader;
import dev.gapless.agent.journal.JournalRecord;
import dev.gapless.config.BatchConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output's accumulator: reads the records after its cursor from the journal, fills a batch up to
 * {@code max_events} / {@code max_bytes}, lingering up to {@code max_wait} (on the {@link Ticker}) for more, and
 * encodes it in the output's codec. While a batch is in flight it reads ahead what is durable into a second batch
 * and encodes it, so the next send is ready when this one completes. Two {@link Batch}es, swapped, carry every
 * batch of the output: their buffers are reused, never allocated per batch. A record the codec cannot write is
 * declared lost through the {@link Committer} and left out. Only the output worker thread uses it.
 */
final class BatchSource {

    private static final Logger log = LoggerFactory.getLogger(OutputWorker.class); // the worker's log, one voice
    /** How long an idle source waits for new durable records before its worker looks again (e.g. at a stop). */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** How often a reader that sees no record although the journal holds later ones looks again. */
    private static final long STUCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String id;
    private final Journal journal;
    private final JournalReader reader;
    private final Encoder encoder;
    private final BatchConfig config;
    private final Ticker ticker;
    private final Waiter waiter;
    private final Committer committer;
    private final OutputStatus status;
    private final BooleanSupplier running;

    // Only the output worker thread. The batch being sent (null: none) or last sent, and the one read ahead while
    // it is sent (empty: nothing read ahead); swapped when the current one is done.
    private Batch current;
    private Batch last = new Batch();
    private Batch ahead = new Batch();

    /** Collaborators of a source; see the fields of the same names. */
    record Parts(String id, Journal journal, JournalReader reader, Encoder encoder, BatchConfig config,
            Ticker ticker, Waiter waiter, Committer committer, OutputStatus status, BooleanSupplier running) {
    }

    BatchSource(Parts p) {
        this.id = p.id();
        this.journal = p.journal();
        this.reader = p.reader();
        this.encoder = p.encoder();
        this.config = p.config();
        this.ticker = p.ticker();
        this.waiter = p.waiter();
        this.committer = p.committer();
        this.status = p.status();
        this.running = p.running();
    }

    /** The batch being sent, null when none: {@link #fill} makes one. */
    Batch current() {
        return current;
    }

    /** True if a batch was read ahead and waits to be sent. */
    boolean readAhead() {
        return !ahead.isEmpty();
    }

    /**
     * Makes the next batch current: the one read ahead while the previous was sent, if any, topped up while
     * {@code max_wait} (counted from its first read) allows; else read now, waiting a while for records.
     *
     * @return the batch, encoded; null if no record came (the caller looks again)
     */
    Batch fill() throws InterruptedException {
        int max = config.maxEvents();
        long maxBytes = config.maxBytes().bytes();
        // Read into the spare batch and make it current only once filled: records the reader handed over stay in
        // it whatever throws on the way (the reader will not hand them over again), and the next fill goes on with
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
        encodeInto(batch, batch.encodedCount(), records.size());
        batch.encodedUpTo(records.size());
        batch.sendWhole();
        batch.encoded(encodedOf(batch));
        ahead = last;
        ahead.clear();
        last = batch;
        current = batch;
        return batch;
    }

    /**
     * While a batch is in flight: reads what is durable now (never waiting) into the spare batch and encodes it,
     * so the next batch is ready when the send completes. Not while the current batch is split: its halves come
     * first, and the records read ahead would wait the longer.
     */
    void prefetch() {
        if (!ahead.isEmpty() || (current != null && current.splitPending()) || !running.getAsBoolean()) {
            return;
        }
        ahead.readAt(ticker.nanoTime());
        if (reader.read(config.maxEvents(), config.maxBytes().bytes(), ahead.records, ahead.arena) > 0) {
            encodeInto(ahead, 0, ahead.records.size());
            ahead.encodedUpTo(ahead.records.size());
        }
    }

    /** Encodes the current range of {@code batch} anew into its payload (a range of a split batch). */
    void encodeRange(Batch batch) {
        batch.payload.reset();
        batch.frames.reset();
        encodeInto(batch, batch.rangeFrom(), batch.rangeTo());
        batch.encoded(encodedOf(batch));
    }

    /** The current batch is done (delivered, or its refused records declared): none is held any more. */
    void done() {
        current = null;
        status.oldestUnackedReceivedAt = 0;
    }

    private EncodedBatch encodedOf(Batch batch) {
        List<JournalRecord> records = batch.records;
        int from = batch.rangeFrom();
        int to = batch.rangeTo();
        status.oldestUnackedReceivedAt = records.get(from).receivedAtNanos() / 1_000_000;
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
     * attempt.
     */
    private void encodeInto(Batch batch, int from, int to) {
        List<JournalRecord> list = batch.records;
        ByteSink out = batch.payload;
        for (int i = from; i < to; i++) {
            JournalRecord r = list.get(i);
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
}
