package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.internal.DurableFiles;
import dev.gapless.agent.journal.JournalWriter.WriteFailedException;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.contract.EnvelopeFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable journal: every accepted event is appended here before any source is acknowledged,
 * and stays until every output's cursor has passed it. See {@code package-info.java} for the on-disk
 * format and the invariants this class keeps.
 *
 * <p>Appends come from many threads and are serialized by one lock, under which the {@link JournalWriter}
 * works; the {@link Syncer} thread forces appended data to disk and advances {@link #durableSeq()}; each
 * output reads through its own {@link JournalReader}, never past the durable point.
 */
public final class Journal implements AutoCloseable {

    /** The source of records the agent itself writes (heartbeats, loss markers). */
    public static final String AGENT_SOURCE = EnvelopeFields.AGENT_SOURCE;
    static final byte[] AGENT_SOURCE_BYTES = AGENT_SOURCE.getBytes(StandardCharsets.UTF_8);
    static final byte[] EMPTY = new byte[0];
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    private final JournalOptions options;
    private final JournalConfig config;
    private final JournalStats stats = new JournalStats();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final List<LongSupplier> consumers = new CopyOnWriteArrayList<>();

    // Appends, rolls, drops and the ledger of declared losses: guarded by writeLock.
    private final ReentrantLock writeLock = new ReentrantLock();
    private final JournalWriter writer;
    private final LossLedger declared = new LossLedger();

    private volatile long headSeq;
    // Moved before durableSeq passes it: by the syncer, or under durability none by published() under writeLock.
    private final HighWaterMark highWater;
    private final AtomicLong durableSeq = new AtomicLong();
    // Readers waiting for durableSeq to move: signalled by the syncer, or by append under durability none.
    private final ReentrantLock dataLock = new ReentrantLock();
    private final Condition dataAvailable = dataLock.newCondition();
    private volatile int dataWaiters;

    private final Syncer syncer;
    private final Prefaulter prefaulter;
    private volatile boolean closed;

    private Journal(JournalOptions options, Recovery.Result recovered) throws IOException {
        this.options = options;
        this.config = options.config();
        for (Segment s : recovered.segments()) {
            segments.put(s.firstSeq(), s);
        }
        this.headSeq = recovered.headSeq();
        this.durableSeq.set(recovered.headSeq());
        this.highWater = HighWaterMark.open(options.dir(), recovered.headSeq(),
                config.durability() != Durability.NONE);
        this.prefaulter = Prefaulter.ENABLED ? new Prefaulter() : null;
        this.writer = new JournalWriter(options, stats, segments, recovered.headSeq() + 1, prefaulter);
        this.syncer = config.durability() == Durability.NONE ? null : new Syncer(this, config);
    }

    /**
     * Opens (or creates) the journal in {@code options.dir()}, recovering what a previous run left. The first
     * append opens a fresh segment: no run ever writes into a segment an earlier run left.
     *
     * @param minHeadSeq the journal's head is at least this (e.g. the highest cursor), so a seq a destination
     *                   already holds is never issued again even if the journal's tail was damaged
     */
    public static Journal open(JournalOptions options, long minHeadSeq) throws IOException {
        DurableFiles.ownerOnlyDirectory(options.dir());
        Recovery.Result recovered = new Recovery(options).run(minHeadSeq);
        Journal journal = new Journal(options, recovered);
        if (journal.syncer != null) {
            journal.syncer.start();
        }
        if (journal.prefaulter != null) {
            journal.prefaulter.start();
        }
        log.info("journal open at {}: {} segment(s), head seq {}, durability {}", options.dir(),
                journal.segments.size(), journal.headSeq, journal.config.durability().name().toLowerCase());
        return journal;
    }

    public JournalStats stats() {
        return stats;
    }

    /** The largest record the journal takes, header and all. */
    public int maxRecordBytes() {
        return options.maxRecordBytes();
    }

    public JournalConfig config() {
        return config;
    }

    /** The seq of the last record appended. */
    public long headSeq() {
        return headSeq;
    }

    /** The seq of the last record a completed force covers (under durability none: the head). */
    public long durableSeq() {
        return durableSeq.get();
    }

    /** The first seq still held, or head + 1 when the journal is empty. */
    public long firstSeq() {
        Map.Entry<Long, Segment> first = segments.firstEntry();
        return first == null ? headSeq + 1 : first.getKey();
    }

    /** min_free as set, or as the default rule gave for the journal's file system when it opened. */
    public ByteSize minFree() {
        return ByteSize.ofBytes(writer.minFreeBytes());
    }

    /** The file system the journal is on, for a look at its free space. */
    public FileStore fileStore() {
        return writer.fileStore();
    }

    /** Bytes the journal's segments take on disk (closed segments: their files' sizes). */
    public long diskBytes() {
        return writer.diskBytes();
    }

    /**
     * Appends a batch of events of one source (the one batch type the journal takes), all or none, straight from
     * the batch's arrays (no object per event). Every message becomes an event record: the batch's receive time,
     * the message's event time (the receive time unless it has its own), source position (-1 unless it has one),
     * tags, and its fields as the record's extra part (empty unless it has some).
     *
     * @return the seqs they got, or why the batch was not accepted (full: retry once space frees)
     * @throws IllegalArgumentException if one message cannot fit in a record of {@code maxRecordBytes}; nothing of
     *                                  the batch was written
     */
    public AppendResult append(MessageBatch batch) {
        checkedSource(batch.sourceBytes());
        // Free-form tags make v2 records; a batch without any (every TCP line) stays on the v1 path, unchanged.
        return appendRecords(batch.hasFreeTags() ? new TaggedMessageRecords(batch) : new MessageRecords(batch));
    }

    /**
     * The one append path: every input's events come through here, under one rule for what is refused (closed,
     * a failed force, full) and what is written.
     */
    private AppendResult appendRecords(JournalWriter.Batch records) {
        int n = records.size();
        if (n == 0) {
            return new AppendResult(AppendResult.Status.APPENDED, -1, headSeq);
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            int length = records.encodedLength(i);
            if (length > writer.maxRecordBytes()) {
                throw new IllegalArgumentException("an event of " + length
                        + " bytes exceeds the journal's record cap of " + writer.maxRecordBytes());
            }
            bytes += length + 4;
        }
        writeLock.lock();
        try {
            if (closed) {
                return AppendResult.IS_CLOSED;
            }
            if (stats.forceFailed) {
                stats.fullRefusals.increment();
                return AppendResult.WRITE_FAILED; // nothing appended now could ever be acknowledged
            }
            AppendResult full = writer.makeRoom(bytes, this::minConsumerSeq, declared);
            if (full != null) {
                stats.fullRefusals.increment();
                return full;
            }
            long first = writer.nextSeq();
            writer.writeBatch(records);
            return new AppendResult(AppendResult.Status.APPENDED, first, writer.nextSeq() - 1);
        } catch (WriteFailedException | RuntimeException | InternalError | AssertionError e) {
            log.error("journal append refused: {}", e.toString());
            stats.fullRefusals.increment();
            return AppendResult.WRITE_FAILED;
        } finally {
            published();
            writeLock.unlock();
        }
    }

    private static byte[] checkedSource(byte[] source) {
        if (source.length > 0xFFFF) {
            throw new IllegalArgumentException("a source id of " + source.length + " bytes is too long");
        }
        return source;
    }

    /**
     * Appends a record the agent itself writes (heartbeat or loss marker). It bypasses {@code max_size} and
     * {@code min_free}, being small and rare, but not a failed disk.
     *
     * @param body the record's JSON body, given its own seq
     * @return its seq, or -1 if the journal is closed or the write failed
     */
    public long appendAgentRecord(RecordKind kind, LongFunction<byte[]> body) {
        writeLock.lock();
        try {
            return closed ? -1 : writeAgentRecord(kind, body);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Declares seqs {@code from..to} lost by appending a loss marker, unless that range was declared already in
     * this run. Called by readers that met damage, and by outputs whose destination rejected a batch. Loss markers
     * are exempt from {@code max_size} and {@code min_free}, not from a disk that refuses writes: if the marker
     * cannot be written now, the range is not remembered, and the caller must not move past it (a reader stops at
     * the hole and declares it again at its next read; an output does not commit its cursor).
     *
     * @return the seq of a marker declaring the range, written now or earlier in this run (the declaration survives
     *         a power loss once {@link #whenDurable} of it completes); 0 for an empty range; -1 if none could be
     *         written (the journal is closed, or the disk refuses)
     */
    public long declareLoss(long from, long to, String reason, String output) {
        if (to < from) {
            return 0;
        }
        writeLock.lock();
        try {
            if (closed) {
                return -1;
            }
            if (declared.covers(from, to)) {
                return headSeq; // its marker was written before the head
            }
            long marker = writeAgentRecord(RecordKind.LOSS, seq -> LossMarkers.body(from, to, reason, output));
            if (marker >= 0) {
                log.error("journal: seq {}..{} ({} records) lost: {}", from, to, to - from + 1, reason);
                declared.add(from, to);
                stats.lostRecords.add(to - from + 1);
            } else {
                log.error("journal: cannot write the loss marker for seq {}..{} ({}) now; nothing moves past it until "
                        + "it is written", from, to, reason);
            }
            return marker;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Declares that {@code count} of seqs {@code from..to} were lost, without knowing which (a destination that
     * accepted the range but refused that many of it, unnamed): one loss marker over the range carrying the count.
     * Such a marker neither uses nor feeds the record of ranges declared in this run, so a whole loss of the same
     * range (another output's) is still declared. Returns as {@link #declareLoss(long, long, String, String)}.
     */
    public long declarePartialLoss(long from, long to, long count, String reason, String output) {
        if (to < from || count <= 0) {
            return 0;
        }
        writeLock.lock();
        try {
            if (closed) {
                return -1;
            }
            long lost = Math.min(count, to - from + 1);
            long marker = writeAgentRecord(RecordKind.LOSS, seq -> LossMarkers.body(from, to, lost, reason, output));
            if (marker >= 0) {
                log.error("journal: {} of seq {}..{} lost: {}", lost, from, to, reason);
                stats.lostRecords.add(lost);
            } else {
                log.error("journal: cannot write the loss marker for {} of seq {}..{} ({}) now; nothing moves past "
                        + "it until it is written", lost, from, to, reason);
            }
            return marker;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * @return a future completed once {@code seq} is covered by a completed force (at once under durability
     *         none); completed exceptionally if the journal closes first
     */
    public CompletableFuture<Void> whenDurable(long seq) {
        return whenDurable(seq, false);
    }

    /**
     * As {@link #whenDurable(long)}; {@code awaited}: a peer sends nothing more until this completes (a RELP window,
     * an HTTP request waiting for its answer). Under {@code batch} such a wait starts a force as soon as the one
     * under way ends instead of at the next {@code sync_interval}, so the peer's throughput is its window per force
     * rather than per interval; under {@code fsync} every wait does.
     */
    public CompletableFuture<Void> whenDurable(long seq, boolean awaited) {
        if (seq <= durableSeq.get() || syncer == null) {
            return CompletableFuture.completedFuture(null);
        }
        return syncer.waitFor(seq, awaited);
    }

    /**
     * Waits until the durable point passes {@code seq}, or the timeout ends.
     *
     * @return true if it did
     */
    public boolean awaitDurableAfter(long seq, long timeout, TimeUnit unit) throws InterruptedException {
        if (durableSeq.get() > seq) {
            return true;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        dataLock.lock();
        try {
            dataWaiters++;
            try {
                while (durableSeq.get() <= seq && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    dataAvailable.awaitNanos(left);
                }
                return durableSeq.get() > seq;
            } finally {
                dataWaiters--;
            }
        } finally {
            dataLock.unlock();
        }
    }

    /**
     * Registers a consumer's acknowledged seq; retention keeps every record a registered consumer has not
     * acknowledged (except under drop_oldest at the bound).
     */
    public void registerConsumer(LongSupplier ackedSeq) {
        consumers.add(ackedSeq);
    }

    /** Opens a reader that delivers records after {@code ackedSeq}. */
    public JournalReader openReader(String name, long ackedSeq) {
        return new JournalReader(this, name, ackedSeq, new RecordCodec(options.maxRecordBytes()));
    }

    /**
     * Deletes the segments every consumer has passed (closed for writes, last seq acknowledged by all). Safe to
     * call from any thread; a segment a reader still holds goes when that reader lets go of it.
     *
     * @return the number of segments deleted
     */
    public int retain() {
        long min = minConsumerSeq();
        int deleted = 0;
        for (Segment s : segments.values()) {
            if (!s.closedForWrites() || s.retainThrough() > min) {
                break;
            }
            writeLock.lock();
            try {
                if (segments.remove(s.firstSeq(), s)) {
                    s.delete(false);
                    deleted++;
                    // Under the lock, so it never erases a reason the writer just set; the next append re-checks.
                    writer.roomFreed();
                }
            } finally {
                writeLock.unlock();
            }
        }
        return deleted;
    }

    /** Asks the writer to start a new segment: lets a reader move past damage in the active segment. */
    void requestRoll() {
        writeLock.lock();
        try {
            if (!closed) {
                writer.requestRoll();
                writeAgentRecord(RecordKind.HEARTBEAT, LossMarkers::rollNote);
            }
        } finally {
            writeLock.unlock();
        }
    }

    Prefaulter prefaulter() {
        return prefaulter;
    }

    Segment segmentFor(long seq) {
        Map.Entry<Long, Segment> e = segments.floorEntry(seq);
        return e == null ? null : e.getValue();
    }

    Segment segmentAfter(Segment s) {
        Map.Entry<Long, Segment> e = segments.higherEntry(s.firstSeq());
        return e == null ? null : e.getValue();
    }

    Segment firstSegment() {
        Map.Entry<Long, Segment> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    Iterable<Segment> segments() {
        return segments.values();
    }

    /**
     * Called by the syncer when a force failed. Permanent for this run: after an fdatasync error Linux marks the
     * pages clean and reports the error once, so a later force that succeeds does not mean the data reached the
     * disk. The durable point freezes (nothing more is acknowledged or delivered), appends are refused, and the
     * full reason and /health (degraded force_failed) say so; the watchdog restarts the agent, whose recovery re-reads
     * the disk.
     */
    void forceFailed(Segment s, IOException e) {
        forceFailed(String.valueOf(s), e);
    }

    /** As {@link #forceFailed(Segment, IOException)}, for a file that is not a segment's (the high-water mark). */
    void forceFailed(String what, IOException e) {
        writeLock.lock();
        try {
            if (stats.forceFailed) {
                return;
            }
            stats.forceFailedReason = what + ": " + e;
            stats.forceFailedAt = options.clock().millis();
            stats.forceFailed = true;
            writer.forceFailed();
        } finally {
            writeLock.unlock();
        }
        log.error("journal force failed on {}: {}; the data written since the last force may not be on disk: "
                + "nothing more is acknowledged and appends are refused until restart", what, e.toString());
    }

    /** For the syncer, before it forces: see {@link PageReleaser}. */
    void releaseWrittenPages() {
        writeLock.lock();
        try {
            if (!closed) {
                writer.releaseWrittenPages();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Called by the syncer once a force covering {@code seq} completed, before {@link #durableThrough}: the
     * high-water mark is durable past {@code seq} first.
     *
     * @return false if the mark could not be written (the force is failed, as a segment's would be)
     */
    boolean markHighWater(long seq) {
        try {
            highWater.advance(seq);
            return true;
        } catch (IOException e) {
            forceFailed(highWater.toString(), e);
            return false;
        }
    }

    /** Called by the syncer once a force covering {@code seq} completed. */
    void durableThrough(long seq) {
        durableSeq.accumulateAndGet(seq, Math::max);
        signalReaders();
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            writeLock.unlock();
        }
        if (syncer != null) {
            syncer.stop();
        }
        if (prefaulter != null) {
            prefaulter.close();
        }
        writeLock.lock();
        try {
            writer.close();
            for (Segment s : segments.values()) {
                s.shutDown();
            }
            highWater.close();
        } finally {
            writeLock.unlock();
        }
        signalReaders();
        log.info("journal closed at head seq {}, durable seq {}", headSeq, durableSeq.get());
    }

    boolean isClosed() {
        return closed;
    }

    /** The force thread, or null under durability none; for tests. */
    Syncer syncer() {
        return syncer;
    }

    /** Under writeLock: one agent record, or -1 (logged) if it could not be written. */
    private long writeAgentRecord(RecordKind kind, LongFunction<byte[]> body) {
        if (stats.forceFailed) {
            return -1; // it could never become durable
        }
        try {
            AppendResult room = writer.makeRoomForAgentRecord(this::minConsumerSeq, declared);
            if (room == AppendResult.WRITE_FAILED || !writer.openForAgentRecord()) {
                return -1;
            }
            long seq = writer.nextSeq();
            long now = writer.nowNanos();
            writer.write(kind, now, now, -1, 0, AGENT_SOURCE_BYTES, EMPTY, body.apply(seq));
            return seq;
        } catch (WriteFailedException | RuntimeException | InternalError | AssertionError e) {
            log.error("journal could not append a {} record: {}", kind.wireName(), e.toString());
            return -1;
        } finally {
            published();
        }
    }

    /** A message batch as event records, each with its own position, event time, tags and fields. */
    private record MessageRecords(MessageBatch batch) implements JournalWriter.Batch {
        @Override
        public int size() {
            return batch.size();
        }

        @Override
        public int encodedLength(int i) {
            return RecordCodec.encodedLength(batch.sourceBytes().length, batch.length(i), batch.fieldsLength(i));
        }

        @Override
        public void encode(int i, long seq, RecordCodec codec, long bootMsb, long bootLsb, Bytes<?> out) {
            codec.encodeTo(out, RecordKind.EVENT, seq, bootMsb, bootLsb, batch.receivedAtNanos(),
                    batch.eventTimeNanos(i), batch.position(i), batch.tags(i), batch.sourceBytes(), batch.array(),
                    batch.offset(i), batch.length(i), batch.fieldsArray(), batch.fieldsOffset(i),
                    batch.fieldsLength(i));
        }
    }

    /**
     * A message batch some of whose messages carry free-form tags: those become v2 records (their tags part encoded
     * once, here), the others v1 records as in {@link MessageRecords}.
     */
    private static final class TaggedMessageRecords implements JournalWriter.Batch {
        private final MessageBatch batch;
        private final byte[][] tagsParts;

        TaggedMessageRecords(MessageBatch batch) {
            this.batch = batch;
            this.tagsParts = new byte[batch.size()][];
            for (int i = 0; i < tagsParts.length; i++) {
                tagsParts[i] = RecordCodec.tagsPart(batch.freeTags(i));
            }
        }

        @Override
        public int size() {
            return batch.size();
        }

        @Override
        public int encodedLength(int i) {
            byte[] t = tagsParts[i];
            int s = batch.sourceBytes().length;
            return t.length == 0 ? RecordCodec.encodedLength(s, batch.length(i), batch.fieldsLength(i))
                    : RecordCodec.encodedLength(s, batch.length(i), batch.fieldsLength(i), t);
        }

        @Override
        public void encode(int i, long seq, RecordCodec codec, long bootMsb, long bootLsb, Bytes<?> out) {
            byte[] t = tagsParts[i];
            if (t.length == 0) {
                codec.encodeTo(out, RecordKind.EVENT, seq, bootMsb, bootLsb, batch.receivedAtNanos(),
                        batch.eventTimeNanos(i), batch.position(i), batch.tags(i), batch.sourceBytes(), batch.array(),
                        batch.offset(i), batch.length(i), batch.fieldsArray(), batch.fieldsOffset(i),
                        batch.fieldsLength(i));
            } else {
                codec.encodeTaggedTo(out, RecordKind.EVENT, seq, bootMsb, bootLsb, batch.receivedAtNanos(),
                        batch.eventTimeNanos(i), batch.position(i), batch.tags(i), batch.sourceBytes(), batch.array(),
                        batch.offset(i), batch.length(i), batch.fieldsArray(), batch.fieldsOffset(i),
                        batch.fieldsLength(i), t);
            }
        }
    }

    /** Under writeLock: makes every seq handed out so far visible (to the syncer, or at once under none). */
    private void published() {
        writer.account();
        long head = writer.nextSeq() - 1;
        if (head == headSeq) {
            return;
        }
        writer.notePosition();
        headSeq = head;
        if (syncer != null) {
            syncer.appended();
        }
        if (syncer == null && !stats.forceFailed) {
            try {
                highWater.advance(head); // before a reader may deliver it: see HighWaterMark
            } catch (IOException e) {
                forceFailed(highWater.toString(), e);
                return;
            }
            durableSeq.set(head);
            signalReaders();
        }
    }

    private long minConsumerSeq() {
        long min = Long.MAX_VALUE;
        for (LongSupplier c : consumers) {
            min = Math.min(min, c.getAsLong());
        }
        return min == Long.MAX_VALUE ? headSeq : min;
    }

    private void signalReaders() {
        if (dataWaiters > 0) {
            dataLock.lock();
            try {
                dataAvailable.signalAll();
            } finally {
                dataLock.unlock();
            }
        }
    }
}
