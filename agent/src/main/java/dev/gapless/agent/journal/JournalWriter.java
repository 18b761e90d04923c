package dev.gapless.agent.journal;

import dev.gapless.agent.event.RecordKind;
import dev.gapless.agent.internal.DurableFiles;
import dev.gapless.config.JournalConfig;
import dev.gapless.config.JournalConfig.WhenFull;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's writing half: the active segment and its appender, the next seq, rolling, and making room
 * (max_size, min_free, drop_oldest). Every method runs under the journal's write lock.
 *
 * <p>Invariant: a seq is handed to exactly one write attempt. A write the file system could not back (disk full
 * under a mapping surfaces as an {@link InternalError}) burns its seq and closes the segment for writes, since
 * Chronicle leaves that queue wedged; the next append opens a fresh segment. A burnt seq is never reused: a
 * reader finds it missing (or corrupt) and declares it.
 */
final class JournalWriter {

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);
    /** Free space is checked again after this many bytes appended; min_free must exceed it plus a block. */
    static final long SPACE_CHECK_BYTES = 1 << 20;
    /** Below this much usable space the disk counts as full even for agent records: no segment is opened for one. */
    static final long AGENT_RECORD_FLOOR = SPACE_CHECK_BYTES;
    /** The room an agent record (heartbeat, loss marker) is taken to need; they are much smaller. */
    private static final long AGENT_RECORD_BYTES = 256;

    /** A write failed; the seq it was given is burnt and the segment closed for writes. */
    static final class WriteFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        WriteFailedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final JournalOptions options;
    private final JournalConfig config;
    private final JournalStats stats;
    private final FileStore fileStore;
    /** min_free resolved for this file system once, at open (the default depends on its size). */
    private final long minFreeBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments;
    private final RecordCodec codec;
    private final long bootMsb;
    private final long bootLsb;

    /** The newest segment; writable only while {@link #appender} is not null. */
    private Segment active;
    private ExcerptAppender appender;
    private long nextSeq;
    private long bytesSinceSpaceCheck;
    // Written to the active segment but not yet added to its size and the stats: see account().
    private long unaccountedBytes;
    private long unaccountedRecords;
    private boolean lowOnSpace;
    private boolean rollRequested;
    // Told where the writer is after each append, to read the pages ahead of it (null: none).
    private final Prefaulter prefaulter;
    private int fileCycle = Integer.MIN_VALUE;
    private Path cycleFile;
    // Unmaps finished pages before each force (null: not on this platform).
    private final PageReleaser pageReleaser = PageReleaser.create();

    JournalWriter(JournalOptions options, JournalStats stats, ConcurrentSkipListMap<Long, Segment> segments,
                  long nextSeq, Prefaulter prefaulter) throws IOException {
        this.prefaulter = prefaulter;
        this.options = options;
        this.config = options.config();
        this.stats = stats;
        this.fileStore = Files.getFileStore(options.dir());
        this.minFreeBytes = config.minFreeFor(fileStore.getTotalSpace()).bytes();
        this.segments = segments;
        this.codec = new RecordCodec(options.maxRecordBytes());
        this.bootMsb = options.bootId().getMostSignificantBits();
        this.bootLsb = options.bootId().getLeastSignificantBits();
        this.nextSeq = nextSeq;
    }

    long nextSeq() {
        return nextSeq;
    }

    /** min_free in bytes, as set or as the default rule gave for this file system. */
    long minFreeBytes() {
        return minFreeBytes;
    }

    /** The file system the journal is on. */
    FileStore fileStore() {
        return fileStore;
    }

    int maxRecordBytes() {
        return codec.maxRecordBytes();
    }

    void requestRoll() {
        rollRequested = true;
    }

    /**
     * Opens a writable segment if there is none, rolls by size, and applies max_size and min_free.
     *
     * @param minConsumerSeq the lowest seq every consumer acknowledged, for what drop_oldest must declare
     * @return null when {@code bytes} fit, else why they do not
     */
    AppendResult makeRoom(long bytes, LongSupplier minConsumerSeq, LossLedger declared) throws WriteFailedException {
        return makeRoom(bytes, minConsumerSeq, declared, true);
    }

    /**
     * As {@link #makeRoom} for an agent record (heartbeat, loss marker): whether events fit is not this record's
     * business, so the full reason changes only when the disk refuses.
     */
    AppendResult makeRoomForAgentRecord(LongSupplier minConsumerSeq, LossLedger declared)
            throws WriteFailedException {
        return makeRoom(AGENT_RECORD_BYTES, minConsumerSeq, declared, false);
    }

    private AppendResult makeRoom(long bytes, LongSupplier minConsumerSeq, LossLedger declared, boolean events)
            throws WriteFailedException {
        account();
        if (appender != null && (rollRequested
                || (active.diskBytes() + bytes > config.segmentSize().bytes() && nextSeq > active.firstSeq()))) {
            closeActive();
        }
        long max = config.maxSize().bytes();
        while (diskBytes() + bytes > max) {
            if (config.whenFull() != WhenFull.DROP_OLDEST || !dropOldest("drop_oldest", minConsumerSeq, declared)) {
                fullBecause(events, "max_size");
                return AppendResult.FULL_SIZE;
            }
        }
        if (lowOnSpace || bytesSinceSpaceCheck >= SPACE_CHECK_BYTES || appender == null) {
            bytesSinceSpaceCheck = 0;
            long need = minFreeBytes + bytes;
            lowOnSpace = usableSpace() < need;
            while (lowOnSpace && config.whenFull() == WhenFull.DROP_OLDEST
                    && dropOldest("min_free", minConsumerSeq, declared)) {
                lowOnSpace = usableSpace() < need;
            }
            if (lowOnSpace) {
                fullBecause(events, "min_free");
                return AppendResult.FULL_FREE;
            }
        }
        if (appender == null) {
            try {
                openActiveSegment();
            } catch (RuntimeException | InternalError | AssertionError e) {
                log.error("journal cannot open a new segment at seq {}: {}", nextSeq, e.toString());
                lowOnSpace = true;
                fullBecause(true, "write_error: " + e.getMessage());
                return AppendResult.WRITE_FAILED;
            }
        }
        fullBecause(events, null);
        return null;
    }

    /**
     * The one writer of {@link JournalStats#fullReason} (always under the journal's write lock): why appends of
     * events are refused now, or null. A failed force is permanent, so nothing clears it.
     */
    private void fullBecause(boolean events, String reason) {
        if (events && !"force_failed".equals(stats.fullReason)) {
            stats.fullReason = reason;
        }
    }

    /** Retention deleted a segment: appends may fit again (the next one checks). */
    void roomFreed() {
        fullBecause(true, null);
    }

    /** A force failed: appends are refused until restart. */
    void forceFailed() {
        stats.fullReason = "force_failed";
    }

    /**
     * Opens a writable segment for an agent record (heartbeat, loss marker) if there is none, although max_size or
     * min_free refused one: those records are exempt from both, since a reader that cannot declare a hole cannot
     * move on, and its cursor may be what holds the journal full. Not exempt from a full disk: below
     * {@link #AGENT_RECORD_FLOOR} usable, or when the file system refuses, no segment is opened.
     *
     * @return false if there is still no writable segment (logged)
     */
    boolean openForAgentRecord() {
        if (appender != null) {
            return true;
        }
        long usable = usableSpace();
        if (usable < AGENT_RECORD_FLOOR) {
            log.error("journal: the disk is full ({} bytes usable): no segment for an agent record at seq {}", usable,
                    nextSeq);
            return false;
        }
        try {
            openActiveSegment();
            return true;
        } catch (RuntimeException | InternalError | AssertionError e) {
            log.error("journal cannot open a new segment for an agent record at seq {}: {}", nextSeq, e.toString());
            lowOnSpace = true;
            return false;
        }
    }

    /** Writes one record with the next seq (in a document of its own). */
    void write(RecordKind kind, long receivedAt, long eventTime, long position, int tags, byte[] source,
               byte[] message, byte[] extra) throws WriteFailedException {
        int length = codec.checkedLength(source, message.length, extra);
        writeBatch(new Batch() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public int encodedLength(int i) {
                return length;
            }

            @Override
            public void encode(int i, long seq, RecordCodec c, long msb, long lsb, Bytes<?> out) {
                c.encodeTo(out, kind, seq, msb, lsb, receivedAt, eventTime, position, tags, source, message, 0,
                        message.length, extra);
            }
        });
    }

    /**
     * Records to write as consecutive seqs, packed several to a Chronicle document: one document per record costs
     * Chronicle's header, index and roll checks for every event, a large share of the append path.
     */
    interface Batch {
        int size();

        /** The encoded length of record {@code i} (already checked against the cap). */
        int encodedLength(int i);

        /** Encodes record {@code i} with {@code seq} at {@code out}'s write position. */
        void encode(int i, long seq, RecordCodec codec, long bootMsb, long bootLsb, Bytes<?> out);
    }

    /**
     * Writes a batch's records with the next seqs, as few Chronicle documents as fit: a document holds whole
     * records only and at most {@link #maxRecordBytes()} bytes (so at least one record), the same bound as a single
     * record, which the block size is chosen for.
     *
     * <p>A document whose write fails is rolled back (if Chronicle still can) and burns all the seqs it was given;
     * the earlier documents of the batch stand and are read: the append as a whole is refused, so its source sends
     * those events again (duplicates, never loss).
     */
    void writeBatch(Batch batch) throws WriteFailedException {
        int n = batch.size();
        int cap = codec.maxRecordBytes();
        int i = 0;
        while (i < n) {
            if (appender == null) {
                throw new WriteFailedException("no writable segment", null);
            }
            int end = i;
            long documentBytes = 0;
            while (end < n && (end == i || documentBytes + batch.encodedLength(end) <= cap)) {
                documentBytes += batch.encodedLength(end);
                end++;
            }
            long first = nextSeq;
            try (DocumentContext dc = appender.writingDocument()) {
                try {
                    Bytes<?> out = dc.wire().bytes();
                    for (int k = i; k < end; k++) {
                        batch.encode(k, first + (k - i), codec, bootMsb, bootLsb, out);
                    }
                    surfaceLateFault();
                } catch (RuntimeException | InternalError | AssertionError e) {
                    // Chronicle would otherwise publish what was written so far, a torn record at its end.
                    dc.rollbackOnClose();
                    throw e;
                }
            } catch (RuntimeException | InternalError | AssertionError e) {
                nextSeq = first + (end - i);
                writeFailed(first, nextSeq - 1, e);
            }
            try {
                surfaceLateFault(); // the stores that closed the document
            } catch (InternalError e) {
                nextSeq = first + (end - i);
                writeFailed(first, nextSeq - 1, e);
            }
            nextSeq = first + (end - i);
            long written = documentBytes + 4;
            unaccountedBytes += written;
            unaccountedRecords += end - i;
            bytesSinceSpaceCheck += written;
            i = end;
        }
    }

    /**
     * A store into a mapped page the file system cannot back (a full disk) faults; in compiled code the JVM raises
     * that fault late, as an {@link InternalError} ("a fault occurred in a recent unsafe memory access operation")
     * at the thread's next transition out of the VM or native code, which could be the next append: this append
     * would then report seqs written that never landed. A call into native code here (a cheap one, which the JVM
     * does not compile away on any version) makes a pending fault surface now, as this write's failure.
     */
    private static void surfaceLateFault() {
        Runtime.getRuntime().freeMemory();
    }

    /** Seqs {@code from..to} went to a write that failed: burnt (never handed out again), the segment closed. */
    private void writeFailed(long from, long to, Throwable e) throws WriteFailedException {
        // The records may be torn, missing, or even whole: their seqs are never handed out again.
        log.error("journal write of seq {}..{} failed ({}); closing {} for writes", from, to, e.toString(), active);
        fullBecause(true, "write_error: " + e.getMessage());
        lowOnSpace = true; // check the disk before touching a mapping again
        Segment failed = active;
        closeActive();
        failed.retainThrough(from - 1);
        throw new WriteFailedException("journal write failed: " + e, e);
    }

    /**
     * Adds what was written since the last call to the segment's size and the stats: once per append rather than
     * per record (a volatile store and two counters per record cost measurable time on the hot path). Called when an
     * append ends and before anything reads the sizes (making room, closing the segment).
     */
    void account() {
        if (unaccountedRecords == 0) {
            return;
        }
        if (active != null) {
            active.addDiskBytes(unaccountedBytes);
        }
        stats.appendedRecords.add(unaccountedRecords);
        stats.appendedBytes.add(unaccountedBytes);
        unaccountedBytes = 0;
        unaccountedRecords = 0;
    }

    /**
     * After an append: tells the segment when a new cycle file started (so its next force lists it) and the
     * prefaulter where the writer is now. Never fails an append.
     */
    void notePosition() {
        if (appender == null) {
            if (prefaulter != null) {
                prefaulter.writerAt(null, 0);
            }
            return;
        }
        try {
            int cycle = appender.cycle();
            if (cycle != fileCycle) {
                fileCycle = cycle;
                active.newCycleFile(); // the syncer lists the segment again and forces the new file's entry
                // RollCycles.FAST_DAILY names a cycle file by its UTC day: yyyyMMdd'F'.cq4, cycle = days since 1970.
                cycleFile = active.dir().resolve(LocalDate.ofEpochDay(cycle).format(DateTimeFormatter.BASIC_ISO_DATE)
                        + "F.cq4");
            }
            Wire w = appender.wire();
            if (prefaulter != null && w != null) {
                prefaulter.writerAt(cycleFile, w.bytes().writePosition());
            }
        } catch (RuntimeException e) {
            active.newCycleFile(); // cannot tell: list again, the safe side
        }
    }

    /** Before a force: drops the mappings of the pages written since the last call (see {@link PageReleaser}). */
    void releaseWrittenPages() {
        if (pageReleaser != null && appender != null) {
            pageReleaser.release(appender);
        }
    }

    /** Bytes the journal's segments take on disk. */
    long diskBytes() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.diskBytes();
        }
        return total;
    }

    /** Closes the active segment for writes; never throws (a wedged queue is left for deletion). */
    void closeActive() {
        rollRequested = false;
        account();
        if (appender == null) {
            return;
        }
        Segment old = active;
        if (pageReleaser != null) {
            pageReleaser.reset();
        }
        try {
            appender.close();
        } catch (RuntimeException | InternalError | AssertionError e) {
            log.warn("journal: closing the appender of {} failed: {}", old, e.toString());
        }
        appender = null;
        fileCycle = Integer.MIN_VALUE;
        if (prefaulter != null) {
            prefaulter.writerAt(null, 0);
        }
        old.lastSeq(nextSeq - 1);
        try {
            old.release();
        } catch (RuntimeException | InternalError | AssertionError e) {
            log.warn("journal: releasing {} failed: {}", old, e.toString());
        }
        old.diskBytes(Math.max(old.diskBytes(), old.measureDiskBytes()));
    }

    private void openActiveSegment() {
        Path dir = options.dir().resolve(Segment.dirName(nextSeq));
        Segment s = new Segment(dir, nextSeq, options.blockSize());
        try {
            DurableFiles.ownerOnlyDirectory(dir); // Chronicle's files in it follow the umask (bin/gapless: 077)
            Recovery.fsyncDirectory(options.dir());
            ExcerptAppender a = s.acquire().createAppender();
            a.singleThreadedCheckDisabled(true); // every use is under the journal's write lock
            appender = a;
        } catch (IOException e) {
            removeFailed(s);
            throw new IllegalStateException("cannot create journal segment " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException | InternalError | AssertionError e) {
            removeFailed(s);
            throw e;
        }
        segments.put(s.firstSeq(), s);
        active = s;
    }

    /** A segment that failed to open holds no record: remove it whole, so the next attempt starts clean. */
    private static void removeFailed(Segment s) {
        try {
            s.delete(false);
        } catch (RuntimeException | InternalError | AssertionError cleanup) {
            log.warn("journal: cannot remove the failed segment {}: {}", s.dir(), cleanup.toString());
        }
    }

    /**
     * Deletes the oldest segment and writes a loss marker for whatever part of it some consumer had not
     * acknowledged (the marker goes into a writable segment, opened if need be).
     */
    private boolean dropOldest(String reason, LongSupplier minConsumerSeq, LossLedger declared)
            throws WriteFailedException {
        Map.Entry<Long, Segment> first = segments.firstEntry();
        if (first == null) {
            return false;
        }
        Segment oldest = first.getValue();
        if (oldest == active && appender != null) {
            if (nextSeq == active.firstSeq()) {
                return false; // only an empty writable segment is left
            }
            closeActive(); // the active segment alone is over the bound: close it so it can go
        }
        segments.remove(oldest.firstSeq(), oldest);
        oldest.delete(true);
        stats.droppedSegments.increment();
        long from = Math.max(oldest.firstSeq(), minConsumerSeq.getAsLong() + 1);
        long to = oldest.lastSeq();
        if (from <= to && !declared.covers(from, to)) {
            log.error("journal full ({}): dropped seq {}..{} ({} records) before delivery", reason, from, to,
                    to - from + 1);
            if (appender == null) {
                openActiveSegment();
            }
            long now = nowNanos();
            write(RecordKind.LOSS, now, now, -1, 0, Journal.AGENT_SOURCE_BYTES, new byte[0],
                    LossMarkers.body(from, to, reason, null));
            declared.add(from, to);
            stats.lostRecords.add(to - from + 1);
        }
        return true;
    }

    long nowNanos() {
        java.time.Instant now = options.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private long usableSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Closes the appender; for shutdown. */
    void close() {
        closeActive();
    }
}
