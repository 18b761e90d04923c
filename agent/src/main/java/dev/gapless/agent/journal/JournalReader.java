package dev.gapless.agent.journal;

import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output's view of the journal: delivers records in seq order from just after the output's cursor,
 * never past the durable point. Damage is declared and stepped over (once its loss marker is written; until then
 * the reader waits before the hole), never a reason to stop: a record
 * that fails its checks is skipped and the hole it leaves declared with a loss marker; a segment whose tail
 * ends early while a later segment exists is left for the next one, declaring the missing range.
 * Used by one thread only (its output's worker).
 */
public final class JournalReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalReader.class);
    /** How long a missing record in the active segment may stay missing before the writer is asked to roll. */
    private static final long STUCK_NANOS = 2_000_000_000L;

    private final Journal journal;
    private final String name;
    private final RecordCodec codec;
    private long expectedNext;
    private Segment segment;
    private ExcerptTailer tailer;
    // Records skipped as corrupt since the last good one: a hole exactly that wide is theirs, a wider one a tail's.
    private long corruptSinceLastGood;
    private long stuckSince = -1;
    // The newest loss marker declaring a hole this reader stepped over (0: none).
    private long lossMarkerSeq;
    // Where to go on in a document left part read (rolled back): its segment, Chronicle index and the offset of the
    // first record not taken. Records before it are not decoded (nor counted as corrupt) a second time.
    private Segment resumeSegment;
    private long resumeIndex;
    private long resumeAt;
    // A segment reading faulted in (Chronicle or a mapped page failed) with no later segment yet: left alone until
    // the writer rolls, then declared from where reading stopped.
    private Segment faultedIn;
    // Unmaps the pages this reader has read past (null: not on this platform).
    private final PageReleaser.Trailing trailing = PageReleaser.Trailing.create();

    JournalReader(Journal journal, String name, long ackedSeq, RecordCodec codec) {
        this.journal = journal;
        this.name = name;
        this.codec = codec;
        this.expectedNext = ackedSeq + 1;
    }

    /**
     * The seq of the newest loss marker declaring a hole this reader stepped over, 0 if none. Its output must not
     * commit a cursor past the hole before {@code whenDurable} of it completes: a power loss could otherwise take
     * the marker back and leave the cursor past an undeclared hole.
     */
    public long lossMarkerSeq() {
        return lossMarkerSeq;
    }

    /** The seq the next delivered record will have (or a later one, if that one is lost). */
    public long nextSeq() {
        return expectedNext;
    }

    /**
     * Reads up to {@code maxRecords} records or about {@code maxBytes} bytes (at least one record when any is
     * available) into {@code out}.
     *
     * @return the number of records added
     */
    public int read(int maxRecords, long maxBytes, List<JournalRecord> out) {
        return read(maxRecords, maxBytes, out, null);
    }

    /**
     * As {@link #read(int, long, List)}, the records' bytes going into {@code arena} (null: arrays of their own);
     * they stay valid until the arena is reset.
     */
    public int read(int maxRecords, long maxBytes, List<JournalRecord> out, RecordArena arena) {
        int count = 0;
        long bytes = 0;
        long limit = journal.durableSeq();
        while (count < maxRecords && bytes < maxBytes && expectedNext <= limit && !journal.isClosed()) {
            if ((segment == null || segment.dropped()) && !attach()) {
                break;
            }
            if (faultedIn != null && faultedIn == segment) {
                // Reading it faulted: touching it again would fault again (a page the disk cannot back). Once the
                // writer has rolled, declare the rest and go on in the next segment, without reading it again.
                if (journal.segmentAfter(segment) == null || leaveDamagedSegment() == Step.STOP) {
                    break;
                }
                continue;
            }
            int before = out.size();
            Step step;
            try {
                step = readDocument(limit, out, arena, maxRecords - count, maxBytes - bytes);
            } catch (InternalError e) {
                // A fault in a mapped page (a file system that cannot back it) reaches compiled code late: it can
                // surface after readDocument's own handler, with every record taken so far whole and counted below.
                step = journal.isClosed() ? Step.STOP : faulted(e);
            }
            for (int i = before; i < out.size(); i++) {
                count++;
                bytes += out.get(i).encodedLength();
            }
            if (step == Step.STOP) {
                break;
            }
        }
        return count;
    }

    private enum Step { READ, STOP }

    /**
     * Reads the next Chronicle document's records (one or more consecutive seqs, see {@code package-info}),
     * delivering up to {@code roomRecords} records or about {@code roomBytes} bytes of them. A document left part
     * read (no room, not durable, a hole not yet declared) is rolled back and read again from its start next time;
     * the records before {@code expectedNext} are then skipped.
     */
    private Step readDocument(long limit, List<JournalRecord> out, RecordArena arena, int roomRecords,
                              long roomBytes) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return endOfSegment();
            }
            stuckSince = -1;
            Bytes<?> in = dc.wire().bytes();
            long documentLength = in.readRemaining();
            if (documentLength > codec.maxRecordBytes() || documentLength < RecordCodec.HEADER_BYTES) {
                corrupt("document length " + documentLength + " outside 70.." + codec.maxRecordBytes());
                return Step.READ;
            }
            if (resumeSegment == segment && resumeIndex == dc.index() && resumeAt > in.readPosition()
                    && resumeAt < in.readLimit()) {
                in.readPosition(resumeAt);
            }
            resumeSegment = null;
            int delivered = 0;
            long deliveredBytes = 0;
            while (in.readRemaining() > 0) {
                long at = in.readPosition();
                long remaining = in.readRemaining();
                int length = remaining < RecordCodec.HEADER_BYTES ? -1 : RecordCodec.peekLength(in, at);
                if (length < RecordCodec.HEADER_BYTES + RecordCodec.TRAILER_BYTES || length > remaining) {
                    // Without a length, where the next record starts is unknown: the rest of the document is
                    // unreadable, and the next good record's seq shows how many it held.
                    corrupt("record length " + length + " with " + remaining + " bytes left in its document");
                    return Step.READ;
                }
                long peeked = RecordCodec.peekSeq(in, at);
                boolean before = peeked < expectedNext;
                if (!before && (delivered >= roomRecords || deliveredBytes >= roomBytes)) {
                    return rollBack(dc, at); // no room left: on from here next time
                }
                JournalRecord r;
                try {
                    // A record before expectedNext was delivered already (or precedes the cursor): verified, not kept.
                    r = codec.decode(in, length, before ? null : arena);
                } catch (CorruptRecordException e) {
                    corrupt(e.getMessage());
                    in.readPosition(at + length);
                    continue;
                }
                in.readPosition(at + length);
                if (r.seq() < expectedNext) {
                    continue; // delivered before the cursor was committed, or earlier in this document
                }
                if (r.seq() > limit) {
                    return rollBack(dc, at); // not durable yet: read it again next time
                }
                if (r.seq() > expectedNext && !declare(expectedNext, r.seq() - 1, "corrupt_record")) {
                    return rollBack(dc, at); // stay before the hole: declare it again next time
                }
                corruptSinceLastGood = 0;
                expectedNext = r.seq() + 1;
                out.add(r);
                delivered++;
                deliveredBytes += r.encodedLength();
            }
            if (trailing != null && !journal.isClosed()) {
                trailing.readTo(in);
            }
            return Step.READ;
        } catch (RuntimeException | InternalError | AssertionError e) {
            if (journal.isClosed()) {
                return Step.STOP; // the queue was closed under us: shutting down, not damage
            }
            return faulted(e);
        }
    }

    /** Leaves the document to be read again, going on at {@code at} (the record not taken). */
    private Step rollBack(DocumentContext dc, long at) {
        dc.rollbackOnClose();
        resumeSegment = segment;
        resumeIndex = dc.index();
        resumeAt = at;
        return Step.STOP;
    }

    private Step endOfSegment() {
        Segment next = journal.segmentAfter(segment);
        if (next != null && segment.closedForWrites()) {
            if (expectedNext < next.firstSeq()) {
                boolean allCorrupt = next.firstSeq() - expectedNext == corruptSinceLastGood;
                if (!declare(expectedNext, next.firstSeq() - 1, allCorrupt ? "corrupt_record" : "damaged_tail")) {
                    return Step.STOP;
                }
                expectedNext = next.firstSeq();
            }
            corruptSinceLastGood = 0;
            detach();
            return Step.READ;
        }
        // The active segment should hold expectedNext (it is durable) but shows nothing: damage, or a record
        // still becoming visible. Past a grace period, ask the writer to roll so the damage can be stepped over.
        long now = System.nanoTime();
        if (stuckSince < 0) {
            stuckSince = now;
        } else if (now - stuckSince > STUCK_NANOS) {
            log.error("journal reader {}: seq {} missing from active {}; rolling past it", name, expectedNext, segment);
            stuckSince = -1;
            journal.requestRoll();
        }
        return Step.STOP;
    }

    /**
     * Chronicle could not parse the segment past this point (an exception; an InternalError for a mapped page the
     * file system cannot back; its own assertions when run with -ea): the rest is treated as a damaged tail.
     */
    private Step faulted(Throwable e) {
        if (faultedIn == segment) {
            return leaveDamagedSegment(); // met again before the roll: logged once already
        }
        log.error("journal reader {}: {} unreadable after seq {}: {}", name, segment, expectedNext - 1, e.toString());
        resumeSegment = null;
        return leaveDamagedSegment();
    }

    private Step leaveDamagedSegment() {
        Segment next = journal.segmentAfter(segment);
        if (next == null) {
            journal.requestRoll();
            faultedIn = segment; // not read again until the writer has rolled past it
            return Step.STOP;
        }
        faultedIn = null;
        if (expectedNext < next.firstSeq()) {
            if (!declare(expectedNext, next.firstSeq() - 1, "damaged_tail")) {
                return Step.STOP;
            }
            expectedNext = next.firstSeq();
        }
        detach();
        return Step.READ;
    }

    private void corrupt(String why) {
        journal.stats().corruptRecords.increment();
        corruptSinceLastGood++;
        log.error("journal reader {}: skipping a corrupt record in {} after seq {}: {}", name, segment,
                expectedNext - 1, why);
    }

    /** Opens the segment holding expectedNext. */
    private boolean attach() {
        detach();
        if (journal.isClosed()) {
            return false; // nothing is opened, declared or passed once the journal closed
        }
        Segment s = journal.segmentFor(expectedNext);
        if (s == null || s.dropped() || s.deleted()) {
            Segment first = journal.firstSegment();
            if (first == null) {
                return false;
            }
            if (first.firstSeq() > expectedNext) {
                if (!declare(expectedNext, first.firstSeq() - 1, "damaged_tail")) {
                    return false;
                }
                expectedNext = first.firstSeq();
            }
            s = first;
        }
        SingleChronicleQueue queue;
        try {
            queue = s.acquire();
        } catch (RuntimeException | InternalError | AssertionError e) {
            if (s.deleted() || journal.isClosed()) {
                return false; // deleted meanwhile (look again), or shutting down
            }
            // Not deleted: Chronicle cannot open it (e.g. a garbled metadata.cq4t makes it give up claiming the
            // lock after retrying), and would fail the same way at every poll.
            return unreadable(s, e);
        }
        try {
            tailer = queue.createTailer();
        } catch (RuntimeException | InternalError | AssertionError e) {
            s.release();
            return unreadable(s, e);
        }
        segment = s;
        return true;
    }

    /** A segment Chronicle cannot open: once a later one exists, declare what it held and go on there. */
    private boolean unreadable(Segment s, Throwable e) {
        log.error("journal reader {}: cannot read {}: {}", name, s, e.toString());
        Segment next = journal.segmentAfter(s);
        if (next != null && expectedNext < next.firstSeq() && declare(expectedNext, next.firstSeq() - 1,
                "damaged_tail")) {
            expectedNext = next.firstSeq();
        }
        return false;
    }

    /**
     * Declares a hole. @return false if its marker could not be written: the caller stops without moving past the
     * hole, so it is declared at a later read, never skipped silently
     */
    private boolean declare(long from, long to, String reason) {
        long marker = journal.declareLoss(from, to, reason, null);
        lossMarkerSeq = Math.max(lossMarkerSeq, marker);
        return marker >= 0;
    }

    private void detach() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        if (segment != null) {
            segment.release();
            segment = null;
        }
    }

    @Override
    public void close() {
        detach();
    }
}
