package dev.gapless.agent.journal;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.RecordKind;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.Durability;
import dev.gapless.config.JournalConfig.WhenFull;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable journal: every accepted event is appended here before any source is acknowledged,
 * and stays until every output's cursor has passed it. See {@code package-info.java} for the on-disk
 * format and the invariants this class keeps.
 *
 * <p>Appends come from many threads and are serialized by one lock; the {@link Syncer} thread forces
 * appended data to disk and advances {@link #durableSeq()}; each output reads through its own
 * {@link JournalReader}, never past the durable point.
 */
public final class Journal implements AutoCloseable {

    /** The source of records the agent itself writes (heartbeats, loss markers). */
    public static final String AGENT_SOURCE = "_agent";
    private static final byte[] AGENT_SOURCE_BYTES = AGENT_SOURCE.getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    /** Free space is checked again after this many bytes appended; min_free must exceed it plus a block. */
    private static final long SPACE_CHECK_BYTES = 1 << 20;

    private final JournalOptions options;
    private final JournalConfig config;
    private final long bootMsb;
    private final long bootLsb;
    private final FileStore fileStore;
    private final JournalStats stats = new JournalStats();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final List<LongSupplier> consumers = new CopyOnWriteArrayList<>();
    private final LossLedger declared = new LossLedger();

    // Appends, rolls and drops: guarded by writeLock.
    private final ReentrantLock writeLock = new ReentrantLock();
    private final RecordCodec writeCodec;
    private Segment active;
    private ExcerptAppender appender;
    private long nextSeq;
    private long bytesSinceSpaceCheck;
    private boolean lowOnSpace;
    private volatile boolean rollRequested;

    private volatile long headSeq;
    private final AtomicLong durableSeq = new AtomicLong();
    // Readers waiting for durableSeq to move: signalled by the syncer, or by append under durability none.
    private final ReentrantLock dataLock = new ReentrantLock();
    private final Condition dataAvailable = dataLock.newCondition();
    private volatile int dataWaiters;

    private final Syncer syncer;
    private volatile boolean closed;

    private Journal(JournalOptions options, Recovery.Result recovered) throws IOException {
        this.options = options;
        this.config = options.config();
        this.bootMsb = options.bootId().getMostSignificantBits();
        this.bootLsb = options.bootId().getLeastSignificantBits();
        this.fileStore = Files.getFileStore(options.dir());
        this.writeCodec = new RecordCodec(options.maxRecordBytes());
        for (Segment s : recovered.segments()) {
            segments.put(s.firstSeq(), s);
        }
        this.headSeq = recovered.headSeq();
        this.durableSeq.set(recovered.headSeq());
        this.nextSeq = recovered.headSeq() + 1;
        openActiveSegment();
        this.syncer = config.durability() == Durability.NONE ? null : new Syncer(this, config);
    }

    /**
     * Opens (or creates) the journal in {@code options.dir()}, recovering what a previous run left.
     *
     * @param minHeadSeq the journal's head is at least this (e.g. the highest cursor), so a seq a destination
     *                   already holds is never issued again even if the journal's tail was damaged
     */
    public static Journal open(JournalOptions options, long minHeadSeq) throws IOException {
        Files.createDirectories(options.dir());
        Recovery.Result recovered = new Recovery(options).run(minHeadSeq);
        Journal journal = new Journal(options, recovered);
        if (journal.syncer != null) {
            journal.syncer.start();
        }
        log.info("journal open at {}: {} segment(s), head seq {}, durability {}", options.dir(),
                journal.segments.size(), journal.headSeq, journal.config.durability().name().toLowerCase());
        return journal;
    }

    public JournalStats stats() {
        return stats;
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

    /** Bytes the journal's segments take on disk. */
    public long diskBytes() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.diskBytes();
        }
        return total;
    }

    /**
     * Appends events, all or none.
     *
     * @return the seqs they got, or why none was taken (full: retry once space frees)
     */
    public AppendResult append(List<Event> events) {
        if (events.isEmpty()) {
            return new AppendResult(AppendResult.Status.APPENDED, -1, headSeq);
        }
        long bytes = 0;
        for (Event e : events) {
            bytes += RecordCodec.encodedLength(e.source().length(), e.message().length, e.fields().length) + 4;
        }
        writeLock.lock();
        try {
            if (closed) {
                return AppendResult.IS_CLOSED;
            }
            AppendResult full = makeRoom(bytes);
            if (full != null) {
                stats.fullRefusals.increment();
                return full;
            }
            long first = nextSeq;
            for (Event e : events) {
                write(RecordKind.EVENT, e.receivedAtNanos(), e.eventTimeNanos(), e.sourcePosition(), e.tags(),
                        sourceBytes(e.source()), e.message(), e.fields());
            }
            published();
            return new AppendResult(AppendResult.Status.APPENDED, first, nextSeq - 1);
        } catch (RuntimeException | Error e) {
            // A write the file system could not back (disk full under a mapping) leaves Chronicle's queue wedged:
            // give up on this segment and start a fresh one on the next append.
            log.error("journal append failed; rolling to a new segment: {}", e.toString());
            rollRequested = true;
            stats.fullReason = "write_error: " + e.getMessage();
            return AppendResult.FULL_FREE;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Appends a record the agent itself writes (heartbeat or loss marker). It bypasses {@code max_size}, being
     * small and rare, but not a failed disk.
     *
     * @param body the record's JSON body, given its own seq
     * @return its seq, or -1 if the journal is closed or the write failed
     */
    public long appendAgentRecord(RecordKind kind, java.util.function.LongFunction<byte[]> body) {
        writeLock.lock();
        try {
            if (closed) {
                return -1;
            }
            return writeAgentRecord(kind, body);
        } catch (RuntimeException | Error e) {
            log.error("journal could not append a {} record: {}", kind.wireName(), e.toString());
            rollRequested = true;
            return -1;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Declares seqs {@code from..to} lost by appending a loss marker, unless that range was declared already in
     * this run. Called by readers that met damage, and by drop_oldest.
     */
    public void declareLoss(long from, long to, String reason, String output) {
        if (to < from) {
            return;
        }
        writeLock.lock();
        try {
            if (closed || !declared.add(from, to)) {
                return;
            }
            stats.lostRecords.add(to - from + 1);
            log.error("journal: seq {}..{} ({} records) lost: {}", from, to, to - from + 1, reason);
            writeAgentRecord(RecordKind.LOSS, seq -> LossMarkers.body(from, to, reason, output));
        } catch (RuntimeException | Error e) {
            log.error("journal could not write the loss marker for seq {}..{}: {}", from, to, e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * @return a future completed once {@code seq} is covered by a completed force (at once under durability
     *         none); completed exceptionally if the journal closes first
     */
    public CompletableFuture<Void> whenDurable(long seq) {
        if (seq <= durableSeq.get() || syncer == null) {
            return CompletableFuture.completedFuture(null);
        }
        return syncer.waitFor(seq);
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
     * Deletes the segments every consumer has passed. Safe to call from any thread.
     *
     * @return the number of segments deleted
     */
    public int retain() {
        long min = minConsumerSeq();
        int deleted = 0;
        for (Segment s : segments.values()) {
            if (!s.closedForWrites() || s.lastSeq() > min) {
                break;
            }
            writeLock.lock();
            try {
                if (segments.remove(s.firstSeq(), s)) {
                    s.delete(false);
                    deleted++;
                }
            } finally {
                writeLock.unlock();
            }
        }
        if (deleted > 0) {
            stats.fullReason = null;
        }
        return deleted;
    }

    /** Asks the writer to start a new segment at its next append: lets a reader move past a damaged tail. */
    void requestRoll() {
        if (!rollRequested) {
            rollRequested = true;
            appendAgentRecord(RecordKind.HEARTBEAT, seq -> LossMarkers.rollNote(seq));
        }
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
        writeLock.lock();
        try {
            if (appender != null) {
                appender.close();
                appender = null;
                active.release();
            }
            for (Segment s : segments.values()) {
                s.close();
            }
        } finally {
            writeLock.unlock();
        }
        signalReaders();
        log.info("journal closed at head seq {}, durable seq {}", headSeq, durableSeq.get());
    }

    boolean isClosed() {
        return closed;
    }

    // ---- writer internals: every method below runs under writeLock ----

    private long writeAgentRecord(RecordKind kind, java.util.function.LongFunction<byte[]> body) {
        if (rollRequested) {
            roll();
        }
        long seq = nextSeq;
        long now = nowNanos();
        write(kind, now, now, -1, 0, AGENT_SOURCE_BYTES, EMPTY, body.apply(seq));
        published();
        return seq;
    }

    private void write(RecordKind kind, long receivedAt, long eventTime, long position, int tags, byte[] source,
                       byte[] message, byte[] extra) {
        ByteBuffer record = writeCodec.encode(kind, nextSeq, bootMsb, bootLsb, receivedAt, eventTime, position, tags,
                source, message, extra);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(record.array(), 0, record.limit());
        }
        nextSeq++;
        int written = record.limit() + 4;
        active.addDiskBytes(written);
        bytesSinceSpaceCheck += written;
        stats.appendedRecords.increment();
        stats.appendedBytes.add(written);
    }

    private void published() {
        headSeq = nextSeq - 1;
        if (syncer == null) {
            durableSeq.set(headSeq);
            signalReaders();
        } else {
            syncer.appended();
        }
    }

    /** @return null when {@code bytes} fit, else why they do not */
    private AppendResult makeRoom(long bytes) {
        if (rollRequested || (active.diskBytes() + bytes > config.segmentSize().bytes() && nextSeq > active.firstSeq())) {
            roll();
        }
        long max = config.maxSize().bytes();
        while (diskBytes() + bytes > max) {
            if (config.whenFull() != WhenFull.DROP_OLDEST || !dropOldest("drop_oldest")) {
                stats.fullReason = "max_size";
                return AppendResult.FULL_SIZE;
            }
        }
        if (lowOnSpace || bytesSinceSpaceCheck >= SPACE_CHECK_BYTES) {
            bytesSinceSpaceCheck = 0;
            lowOnSpace = usableSpace() < config.minFree().bytes() + bytes;
            while (lowOnSpace && config.whenFull() == WhenFull.DROP_OLDEST && dropOldest("min_free")) {
                lowOnSpace = usableSpace() < config.minFree().bytes() + bytes;
            }
            if (lowOnSpace) {
                stats.fullReason = "min_free";
                return AppendResult.FULL_FREE;
            }
        }
        stats.fullReason = null;
        return null;
    }

    private long usableSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes the oldest closed segment, declaring whatever part of it some consumer had not acknowledged. */
    private boolean dropOldest(String reason) {
        Segment oldest = firstSegment();
        if (oldest == null || oldest == active) {
            if (oldest == active && nextSeq > active.firstSeq()) {
                roll(); // the active segment alone is over the bound: close it so it can go
                return dropOldest(reason);
            }
            return false;
        }
        segments.remove(oldest.firstSeq(), oldest);
        oldest.delete(true);
        stats.droppedSegments.increment();
        long from = Math.max(oldest.firstSeq(), minConsumerSeq() + 1);
        long to = oldest.lastSeq();
        if (from <= to && declared.add(from, to)) {
            stats.lostRecords.add(to - from + 1);
            log.error("journal full ({}): dropped seq {}..{} ({} records) before delivery", reason, from, to,
                    to - from + 1);
            write(RecordKind.LOSS, nowNanos(), nowNanos(), -1, 0, AGENT_SOURCE_BYTES, EMPTY,
                    LossMarkers.body(from, to, "drop_oldest", null));
            published();
        }
        return true;
    }

    private void roll() {
        rollRequested = false;
        Segment old = active;
        appender.close();
        appender = null;
        old.lastSeq(nextSeq - 1);
        old.release();
        old.diskBytes(old.measureDiskBytes());
        openActiveSegment();
    }

    private void openActiveSegment() {
        Path dir = options.dir().resolve(Segment.dirName(nextSeq));
        try {
            Files.createDirectories(dir);
            Recovery.fsyncDirectory(options.dir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create journal segment " + dir + ": " + e.getMessage(), e);
        }
        Segment s = new Segment(dir, nextSeq, options.blockSize());
        appender = s.acquire().createAppender();
        appender.singleThreadedCheckDisabled(true); // every use is under writeLock
        segments.put(s.firstSeq(), s);
        active = s;
    }

    private long minConsumerSeq() {
        long min = Long.MAX_VALUE;
        for (LongSupplier c : consumers) {
            min = Math.min(min, c.getAsLong());
        }
        return min == Long.MAX_VALUE ? headSeq : min;
    }

    private long nowNanos() {
        java.time.Instant now = options.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static byte[] sourceBytes(String source) {
        return source.getBytes(StandardCharsets.UTF_8);
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
