package dev.gapless.agent.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * One segment of the journal: a directory named by its first sequence number holding its own Chronicle
 * queue. Segments are deleted whole, so disk use is bounded by counting them. Readers and the writer
 * {@link #acquire()} a segment while they use its queue; a segment marked for deletion is closed and
 * removed when the last user releases it.
 */
final class Segment {

    private final Path dir;
    private final long firstSeq;
    private final long blockSize;
    // Guarded by this: the queue is opened on first use and closed once deleted and unused.
    private SingleChronicleQueue queue;
    private int users;
    private boolean deleteWhenUnused;
    private boolean shutDown;
    // Channels the syncer forces through, guarded by itself; once closed for deletion, never reopened (an open
    // channel to a deleted file would hold its space).
    private final Map<Path, FileChannel> forceChannels = new HashMap<>();
    // Guarded by forceChannels: data files wholly forced after the writer moved to a later cycle.
    private final Set<Path> finishedFiles = new HashSet<>();
    private boolean channelsClosed;
    // Set by the writer when it starts a cycle file (and true at first): the next force lists the directory.
    private volatile boolean relist = true;
    // Set once the writer moved on: the last sequence number this segment holds.
    private volatile long lastSeq = -1;
    private volatile long retainThrough = -1;
    // Bytes the segment takes on disk: appended bytes while active, file sizes once closed.
    private volatile long diskBytes;
    private volatile boolean forcedComplete;
    private volatile boolean dropped;

    Segment(Path dir, long firstSeq, long blockSize) {
        this.dir = dir;
        this.firstSeq = firstSeq;
        this.blockSize = blockSize;
    }

    static String dirName(long firstSeq) {
        return String.format("%020d", firstSeq);
    }

    /** @return the first seq named by a segment directory, or -1 if the name is not a segment's */
    static long parseDirName(String name) {
        if (name.length() != 20) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }

    Path dir() {
        return dir;
    }

    long firstSeq() {
        return firstSeq;
    }

    long lastSeq() {
        return lastSeq;
    }

    void lastSeq(long seq) {
        this.retainThrough = seq;
        this.lastSeq = seq;
    }

    /** The last seq consumers must pass before retention may delete this segment. */
    long retainThrough() {
        return retainThrough;
    }

    /** Lowers {@link #retainThrough()} below a burnt seq at the end: nobody can pass a record that never was. */
    void retainThrough(long seq) {
        this.retainThrough = seq;
    }

    boolean closedForWrites() {
        return lastSeq >= 0;
    }

    long diskBytes() {
        return diskBytes;
    }

    void diskBytes(long bytes) {
        this.diskBytes = bytes;
    }

    void addDiskBytes(long bytes) {
        this.diskBytes += bytes; // only the writer, under the journal's write lock
    }

    boolean dropped() {
        return dropped;
    }

    boolean forcedComplete() {
        return forcedComplete;
    }

    void forcedComplete(boolean value) {
        this.forcedComplete = value;
    }

    /** Opens the queue if needed and counts one more user. */
    synchronized SingleChronicleQueue acquire() {
        if (deleteWhenUnused) {
            throw new IllegalStateException("segment " + dir.getFileName() + " was deleted");
        }
        if (shutDown) {
            // A reader still running after the journal closed must not open (and leak) a queue.
            throw new IllegalStateException("segment " + dir.getFileName() + ": the journal is closed");
        }
        if (queue == null) {
            queue = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(RollCycles.FAST_DAILY)
                    .blockSize(blockSize)
                    .build();
        }
        users++;
        return queue;
    }

    synchronized void release() {
        users--;
        if (users == 0 && deleteWhenUnused) {
            closeAndDelete();
        } else if (users == 0 && closedForWrites() && queue != null) {
            // Nobody reads it now: give back its mappings and descriptors (a dead output's backlog would otherwise
            // hold every segment open); acquire() reopens it.
            queue.close();
            queue = null;
        }
    }

    /** Whether the queue is open now; for tests. */
    synchronized boolean queueOpen() {
        return queue != null;
    }

    /** The channels held open for forcing; for tests. */
    int forceChannelCount() {
        synchronized (forceChannels) {
            return forceChannels.size();
        }
    }

    /** Marks the segment for deletion; it goes as soon as nobody uses it. */
    synchronized void delete(boolean droppedUnread) {
        this.dropped |= droppedUnread;
        deleteWhenUnused = true;
        if (users == 0) {
            closeAndDelete();
        }
    }

    synchronized boolean deleted() {
        return deleteWhenUnused;
    }

    /** The writer started a new cycle file in this segment: the next force lists the directory again. */
    void newCycleFile() {
        relist = true;
    }

    /**
     * Forces the segment's data to disk (fdatasync) through channels kept open per file, without listing the
     * directory each time: only when the writer reported a new cycle file (and at the first force) is the
     * directory listed, the new file's directory entry forced, and {@code metadata.cq4t} (Chronicle's cycle
     * listing) forced with it. A data file no longer written (an older cycle) is forced once more after that
     * listing, then left alone.
     */
    void force() throws IOException {
        synchronized (forceChannels) {
            if (channelsClosed) {
                throw new NoSuchFileException(dir.toString(), null, "segment deleted");
            }
            boolean listed = relist;
            boolean newFile = false;
            if (listed) {
                relist = false; // before listing: a cycle file started meanwhile is listed at the next force
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{cq4,cq4t}")) {
                    for (Path f : files) {
                        if (!forceChannels.containsKey(f)) {
                            forceChannels.put(f, FileChannel.open(f, StandardOpenOption.WRITE));
                            newFile = true;
                        }
                    }
                }
            }
            Path newest = null;
            for (Path f : forceChannels.keySet()) {
                if (f.getFileName().toString().endsWith(".cq4") && (newest == null || f.compareTo(newest) > 0)) {
                    newest = f;
                }
            }
            for (Map.Entry<Path, FileChannel> e : forceChannels.entrySet()) {
                Path f = e.getKey();
                boolean metadata = f.getFileName().toString().endsWith(".cq4t");
                if (metadata ? listed : !finishedFiles.contains(f)) {
                    e.getValue().force(false);
                    if (listed && !metadata && !f.equals(newest)) {
                        finishedFiles.add(f); // an older cycle, forced after the writer moved on: complete
                    }
                }
            }
            if (newFile) {
                Recovery.fsyncDirectory(dir);
            }
        }
    }

    /** Sums the sizes of the segment's files. */
    long measureDiskBytes() {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                total += Files.size(f);
            }
        } catch (IOException e) {
            return diskBytes;
        }
        return total;
    }

    /** Closes the queue for good: the journal closed, and {@link #acquire()} refuses from now on. */
    synchronized void shutDown() {
        shutDown = true;
        close();
    }

    /** Closes the queue (if open) without deleting anything; for shutdown. */
    synchronized void close() {
        closeChannels();
        if (queue != null) {
            queue.close();
            queue = null;
        }
    }

    private void closeAndDelete() {
        synchronized (forceChannels) {
            channelsClosed = true;
        }
        close();
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalStateException("could not delete journal segment " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Closes the channels the syncer forced through; a later {@link #force()} opens them again. */
    void closeChannels() {
        synchronized (forceChannels) {
            for (FileChannel ch : forceChannels.values()) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing a channel we only forced: nothing to lose
                }
            }
            forceChannels.clear();
        }
    }

    @Override
    public String toString() {
        return "segment " + dir.getFileName() + (lastSeq >= 0 ? " (seq " + firstSeq + ".." + lastSeq + ")"
                : " (from seq " + firstSeq + ")");
    }
}
