package dev.gapless.agent.journal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what a previous run left in the journal directory: the segments, and the head seq. The head is the
 * highest of (a) the last valid record's seq plus the records met after it (records whose bytes were damaged
 * still count; the rest of a document that cannot be split into records counts as many as its bytes could hold),
 * (b) the caller's floor (the highest cursor), and (c) the {@link HighWaterMark}, which bounds what a data file cut
 * short no longer shows, so no seq that may already exist downstream is issued twice. Every old segment is
 * forced once, so the recovered head is durable.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /** The smallest a record can take in a data file: Chronicle's 4-byte header plus an empty v1 record. */
    static final int MIN_DOCUMENT_BYTES = 4 + RecordCodec.HEADER_BYTES + RecordCodec.TRAILER_BYTES;
    /** A Chronicle document header while its document is being written: not complete, length unknown. */
    private static final int NOT_COMPLETE_UNKNOWN_LENGTH = 0x80000000;

    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final JournalOptions options;

    Recovery(JournalOptions options) {
        this.options = options;
    }

    record Result(List<Segment> segments, long headSeq) {
    }

    Result run(long minHeadSeq) throws IOException {
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(options.dir())) {
            for (Path d : dirs) {
                if (d.getFileName().toString().equals(HighWaterMark.FILE_NAME)) {
                    continue;
                }
                long first = Segment.parseDirName(d.getFileName().toString());
                if (first > 0 && Files.isDirectory(d)) {
                    found.add(new Segment(d, first, options.blockSize()));
                } else {
                    log.warn("journal: ignoring {}, which is not a segment", d);
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSeq(), b.firstSeq()));
        long head = Math.max(0, minHeadSeq);
        for (int i = found.size() - 1; i >= 0; i--) {
            Segment s = found.get(i);
            long segmentHead = scanHead(s);
            head = Math.max(head, segmentHead);
            if (segmentHead >= s.firstSeq()) {
                break; // an earlier segment ends before this one begins
            }
            head = Math.max(head, s.firstSeq() - 1);
        }
        long mark = HighWaterMark.read(options.dir());
        if (mark > head) {
            // The segments end before seqs a reader may have delivered: a data file was cut short. Readers declare
            // the gap (damaged_tail) where the segments end; no seq up to the mark is issued again.
            log.error("journal: the segments end at seq {}, but seqs up to {} were issued (high-water mark): {}..{} "
                    + "will be declared lost", head, mark, head + 1, mark);
            head = mark;
        }
        // A trailing segment that holds nothing (a run that stopped before its first append) goes: the fresh
        // segment of this run may need its name.
        while (!found.isEmpty() && found.get(found.size() - 1).firstSeq() > head) {
            Segment empty = found.remove(found.size() - 1);
            log.info("journal: removing {}, which holds no record", empty.dir().getFileName());
            empty.delete(false);
        }
        for (int i = 0; i < found.size(); i++) {
            Segment s = found.get(i);
            long last = i + 1 < found.size() ? found.get(i + 1).firstSeq() - 1 : head;
            s.lastSeq(last);
            s.force();
            s.forcedComplete(true);
            s.diskBytes(s.measureDiskBytes());
        }
        if (!found.isEmpty()) {
            log.info("journal recovered {} segment(s), seq {}..{}", found.size(), found.get(0).firstSeq(), head);
        }
        return new Result(found, head);
    }

    /** @return the highest seq this segment may hold, or firstSeq - 1 when it holds nothing */
    private long scanHead(Segment s) {
        RecordCodec codec = new RecordCodec(options.maxRecordBytes());
        long maxValid = s.firstSeq() - 1;
        // Records met after the last valid one (or as many as unsplittable bytes may hold): seqs past maxValid.
        long afterLastValid = 0;
        long corrupt = 0;
        long endOfLastDocument = 0; // in the newest cycle file, metadata documents included
        long lastCycle = Long.MIN_VALUE;
        long endCycle = Long.MIN_VALUE;
        byte[] buf = new byte[4096];
        SingleChronicleQueue q;
        try {
            q = s.acquire();
        } catch (RuntimeException | InternalError | AssertionError e) {
            log.error("journal: cannot open {} ({}); what it holds will be declared lost", s, e.toString());
            return s.firstSeq() - 1 + mayHold(s, unreadBytes(s, 0));
        }
        try (ExcerptTailer tailer = q.createTailer()) {
            lastCycle = q.lastCycle();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument(true)) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    endCycle = tailer.cycle();
                    endOfLastDocument = bytes.readLimit();
                    if (dc.isMetaData()) {
                        continue;
                    }
                    long len = bytes.readRemaining();
                    if (len > codec.maxRecordBytes()) {
                        corrupt++;
                        afterLastValid += mayHoldIn(len);
                        continue;
                    }
                    if (buf.length < len) {
                        buf = new byte[(int) len];
                    }
                    bytes.read(buf, 0, (int) len);
                    // A document holds one or more records, each with its own length: walk them.
                    int at = 0;
                    while (at < len) {
                        int left = (int) len - at;
                        int length = left < RecordCodec.HEADER_BYTES ? -1 : (int) INTS.get(buf, at + 4);
                        if (length < RecordCodec.HEADER_BYTES + RecordCodec.TRAILER_BYTES || length > left) {
                            corrupt++; // the rest of the document cannot be split into records
                            afterLastValid += mayHoldIn(left);
                            break;
                        }
                        try {
                            maxValid = Math.max(maxValid, codec.decode(ByteBuffer.wrap(buf, at, length)).seq());
                            afterLastValid = 0;
                        } catch (CorruptRecordException e) {
                            corrupt++;
                            afterLastValid += mayHoldIn(length); // its length is unverified: it may span several
                        }
                        at += length;
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            log.error("journal: {} is damaged past seq {} ({}); its remainder will be declared lost", s, maxValid,
                    e.toString());
        } finally {
            s.release();
            s.close();
        }
        if (corrupt > 0) {
            log.error("journal: {} holds {} record(s) that fail their checks", s, corrupt);
        }
        long head = maxValid + afterLastValid;
        long unread = unreadBytes(s, lastCycle == endCycle ? endOfLastDocument : 0);
        if (unread > 0) {
            log.error("journal: {} has {} unreadable byte(s) after seq {}; what they hold will be declared lost", s,
                    unread, head);
        }
        return head + mayHold(s, unread);
    }

    /** As many records as {@code bytes} could hold at the densest (an upper bound, as for unread bytes). */
    private static long mayHoldIn(long bytes) {
        long record = RecordCodec.HEADER_BYTES + RecordCodec.TRAILER_BYTES;
        return Math.max(1, (bytes + record - 1) / record);
    }

    /**
     * Chronicle stopped before the data ends: the bytes it could not read may hold records, some durable and
     * delivered. Their seqs are never issued again, so assume the densest packing: an upper bound.
     */
    private static long mayHold(Segment s, long unreadBytes) {
        long n = (unreadBytes + MIN_DOCUMENT_BYTES - 1) / MIN_DOCUMENT_BYTES;
        if (n > 0) {
            log.error("journal: {} may hold up to {} more record(s) past what could be read", s, n);
        }
        return n;
    }

    /**
     * Bytes of the segment's newest data file past {@code readEnd} (where reading stopped) up to its last non-zero
     * byte, not counting one write a crash interrupted: at most one record's bytes behind a header Chronicle had
     * not published yet (zero, or not-complete with unknown length).
     */
    private long unreadBytes(Segment s, long readEnd) {
        int maxRecordBytes = options.maxRecordBytes();
        Path newest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(s.dir(), "*.cq4")) {
            for (Path f : files) {
                if (newest == null || f.getFileName().toString().compareTo(newest.getFileName().toString()) > 0) {
                    newest = f;
                }
            }
        } catch (IOException e) {
            log.warn("journal: cannot list {}: {}", s.dir(), e.toString());
            return 0;
        }
        if (newest == null) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ)) {
            long end = lastNonZero(ch) + 1;
            if (end <= readEnd) {
                return 0;
            }
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            boolean unpublished = ch.read(header, readEnd) == 4
                    && (header.getInt(0) == 0 || header.getInt(0) == NOT_COMPLETE_UNKNOWN_LENGTH);
            if (unpublished && end - readEnd <= 4L + maxRecordBytes) {
                return 0; // killed mid-append: that record was never published, so its seq was never handed out
            }
            return end - readEnd;
        } catch (IOException e) {
            log.warn("journal: cannot read {}: {}", newest, e.toString());
            return 0;
        }
    }

    /** @return the offset of the file's last non-zero byte, or -1 */
    private static long lastNonZero(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long end = ch.size();
        while (end > 0) {
            long start = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - start));
            while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
                // fill the window
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) != 0) {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    /** Makes a directory's entries (a new segment, a renamed file) durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
