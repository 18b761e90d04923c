package dev.gapless.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * highest of (a) the last valid record's seq, (b) the last segment's first seq plus the number of documents
 * Chronicle holds in it, minus one (records whose bytes were damaged still count), and (c) the caller's floor
 * (the highest cursor), so no seq that may already exist downstream is issued twice. Every old segment is
 * forced once, so the recovered head is durable.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

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
        long documents = 0;
        long corrupt = 0;
        byte[] buf = new byte[4096];
        SingleChronicleQueue q = s.acquire();
        try (ExcerptTailer tailer = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    documents++;
                    Bytes<?> bytes = dc.wire().bytes();
                    long len = bytes.readRemaining();
                    if (len > codec.maxRecordBytes()) {
                        corrupt++;
                        continue;
                    }
                    if (buf.length < len) {
                        buf = new byte[(int) len];
                    }
                    bytes.read(buf, 0, (int) len);
                    try {
                        maxValid = Math.max(maxValid, codec.decode(ByteBuffer.wrap(buf, 0, (int) len)).seq());
                    } catch (CorruptRecordException e) {
                        corrupt++;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("journal: {} is damaged past seq {} ({}); its remainder will be declared lost", s, maxValid,
                    e.toString());
        } finally {
            s.release();
            s.close();
        }
        if (corrupt > 0) {
            log.error("journal: {} holds {} record(s) that fail their checks", s, corrupt);
        }
        return Math.max(maxValid, s.firstSeq() + documents - 1);
    }

    /** Makes a directory's entries (a new segment, a renamed file) durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
