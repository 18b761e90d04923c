package dev.gapless.agent.input.file;

import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.input.file.FileInputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one file line by line. After every batch the journal made durable, the offset just past its last
 * line is checkpointed, so a restart resumes there: nothing acknowledged is read twice and nothing is
 * skipped. A partial last line waits for its newline. The file stays open between reads, so when it is
 * replaced (rotated: another inode at the path) the old one is read to its end first — an unfinished last
 * line of it becomes a line — and then the new one from its start; after a restart the rotated file is looked up
 * by its inode next to the path and finished first (if it is gone, the skipped range is counted and logged at
 * ERROR). A file that shrinks below what was read (a partial line included) is read again from its start. Lines over
 * {@code max_line_bytes} are cut and tagged; the rest of such a line is skipped (the inputs' one
 * {@link LineSplitter}). A damaged checkpoint means reading from the start (duplicates, never loss). One thread per
 * file input: while the journal is full it blocks in {@link IngestPort.Sender#append} (nothing is read meanwhile,
 * nothing dropped), then until the force.
 */
public final class FileInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(FileInput.class);
    /** Bytes read per step; a batch holds the lines they complete, so it is bounded by this plus one line. */
    static final int READ_BYTES = 256 * 1024;

    private final FileInputConfig config;
    private final IngestPort.Sender sender;
    private final FileCheckpoint checkpoint;
    private final Clock clock;
    private final InputStats stats;
    private final Thread thread;
    private volatile boolean running = true;

    // Only the input's thread (and start(), before it runs).
    private FileChannel channel;
    /** The inode of the file the position is in, -1 when unknown (read whatever is at the path from offset). */
    private long inode = -1;
    /** Just past the last byte dealt with and checkpointed (lines taken, empty lines, skipped rest); -1: none yet. */
    private long offset = -1;
    /** True while skipping the rest of a line already cut, as checkpointed with offset. */
    private boolean discarding;
    /**
     * Splits what was read since offset: it carries the partial last line (at most max_line_bytes + 1 bytes; it is
     * read again after a restart, as the checkpoint is before it) and is rewound to offset when an append fails.
     */
    private final LineSplitter splitter;
    private final byte[] chunk = new byte[READ_BYTES];
    private final LineSplitter.Chunk chunkView = LineSplitter.chunk(chunk);
    private final MessageBatch lines = new MessageBatch(READ_BYTES);

    public FileInput(FileInputConfig config, IngestPort port, Path checkpointFile, boolean sync, Clock clock) {
        this.config = config;
        this.checkpoint = new FileCheckpoint(checkpointFile, sync);
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.sender = port.open(stats, config.path().toString());
        this.splitter = LineSplitter.positioned((int) Math.min(Integer.MAX_VALUE - READ_BYTES - 16L,
                config.maxLineBytes().bytes()));
        this.thread = new Thread(this::run, "gapless-input-" + config.id());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        restore();
        thread.start();
        log.info("input {} following {}", config.id(), config.path());
    }

    /** Loads the checkpoint; a damaged one means reading the file from its start. */
    void restore() {
        FileCheckpoint.Position saved;
        try {
            saved = checkpoint.load();
        } catch (IOException e) {
            log.error("input {}: {}; reading {} from its start (duplicates possible)", config.id(), e.getMessage(),
                    config.path());
            saved = new FileCheckpoint.Position(-1, 0, false);
        }
        if (saved != null) {
            inode = saved.inode();
            offset = saved.offset();
            discarding = saved.discarding();
        }
        splitter.restart(offset, discarding);
    }

    @Override
    public InputStats stats() {
        return stats;
    }

    private void run() {
        while (running) {
            try {
                if (!step()) {
                    TimeUnit.NANOSECONDS.sleep(config.pollInterval().toNanos());
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("input {}: reading {} failed: {}; retrying", config.id(), config.path(), e.toString());
                closeChannel();
                try {
                    TimeUnit.NANOSECONDS.sleep(config.pollInterval().toNanos());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One look at the file. @return true if something was taken (so look again at once) */
    boolean step() throws IOException, InterruptedException {
        if (channel == null && !open()) {
            return false;
        }
        long size = channel.size();
        if (size < splitter.position()) { // shorter than what was read: a pending partial line is stale too
            log.warn("input {}: {} was truncated; reading it from its start", config.id(), config.path());
            restartAt(0);
            size = channel.size();
        }
        long from = splitter.position();
        if (size > from) {
            return read(from, (int) Math.min(READ_BYTES, size - from));
        }
        long atPath = inodeAtPath();
        if (channel.size() > from) {
            return true; // the old file grew meanwhile: read that first
        }
        if (atPath == inode || atPath == -1) {
            return false; // nothing new
        }
        // Rotated: the old file is read to its end. Its unfinished last line will never be finished.
        log.warn("input {}: {} was replaced; reading the new file from its start", config.id(), config.path());
        lines.clear();
        splitter.finish(lines);
        if (lines.size() > 0) {
            lines.receivedAtNanos(nanos());
            append();
        }
        closeChannel();
        inode = -1;
        restartAt(0);
        checkpoint.save(new FileCheckpoint.Position(inode, offset, false));
        return true;
    }

    /** Opens the file at the path. @return false if there is none */
    private boolean open() throws IOException {
        FileChannel ch;
        long ino;
        try {
            ch = FileChannel.open(config.path(), StandardOpenOption.READ);
            ino = inodeAtPath();
        } catch (NoSuchFileException e) {
            return false;
        }
        channel = ch;
        if (offset < 0) {
            offset = config.startAt() == FileInputConfig.StartAt.END ? ch.size() : 0;
            splitter.restart(offset, false);
            inode = ino;
            // Saved at once: a restart before the first line must not skip what was written meanwhile.
            checkpoint.save(new FileCheckpoint.Position(inode, offset, false));
        } else if (inode != -1 && ino != inode) {
            FileChannel rotated = openByInode(inode);
            if (rotated != null) {
                // Rotated while stopped: finish the old file from the checkpoint first; step() then moves to the new.
                log.warn("input {}: {} was replaced while stopped; reading the rest of the rotated file (inode {}) "
                        + "from offset {} first", config.id(), config.path(), inode, offset);
                ch.close();
                channel = rotated;
                return true;
            }
            stats.skippedTails.increment();
            log.error("input {}: {} was replaced while stopped and the rotated file (inode {}) is no longer next to "
                    + "it: its bytes from offset {} to its end were not read; reading the new file from its start",
                    config.id(), config.path(), inode, offset);
            restartAt(0);
        }
        inode = ino;
        return true;
    }

    private void restartAt(long position) {
        offset = position;
        discarding = false;
        splitter.restart(position, false);
    }

    /** Reads n bytes at from, appends the lines they complete, and checkpoints past them. */
    private boolean read(long from, int n) throws IOException, InterruptedException {
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        while (buf.hasRemaining()) {
            if (channel.read(buf, from + buf.position()) < 0) {
                break;
            }
        }
        int length = buf.position();
        lines.clear();
        lines.receivedAtNanos(nanos());
        splitter.split(chunkView, 0, length, lines);
        if (splitter.dealtWith() == offset) {
            return length > 0; // a partial line waits for its newline
        }
        if (lines.size() > 0) {
            append();
        }
        offset = splitter.dealtWith();
        discarding = splitter.discarding();
        checkpoint.save(new FileCheckpoint.Position(inode, offset, discarding));
        return true;
    }

    /**
     * Appends the lines, waiting while the journal is full, then waits for the force that makes them acknowledged.
     * If that fails the splitter is rewound to the checkpoint, so the same bytes are read again.
     */
    private void append() throws InterruptedException {
        boolean done = false;
        try {
            Offer offer = sender.append(lines);
            if (!(offer instanceof Taken taken)) {
                throw new InterruptedException("journal closed");
            }
            taken.durable().toCompletableFuture().get();
            done = true;
        } catch (ExecutionException e) {
            throw new InterruptedException("journal closed before the force");
        } finally {
            if (!done) {
                splitter.restart(offset, discarding);
            }
        }
    }

    private long nanos() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** @return a channel on the file next to the path whose inode is {@code ino}, or null if there is none */
    private FileChannel openByInode(long ino) throws IOException {
        Path parent = config.path().toAbsolutePath().getParent();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(parent)) {
            for (Path p : files) {
                try {
                    if (Files.isRegularFile(p) && Files.getAttribute(p, "unix:ino") instanceof Number n
                            && n.longValue() == ino) {
                        return FileChannel.open(p, StandardOpenOption.READ);
                    }
                } catch (IOException gone) {
                    // removed meanwhile: not the one
                }
            }
        }
        return null;
    }

    /** @return the inode of the file now at the path, or -1 when there is none */
    private long inodeAtPath() throws IOException {
        try {
            Object key = Files.getAttribute(config.path(), "unix:ino");
            return key instanceof Number n ? n.longValue() : -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            closeChannel();
            sender.close();
        }
    }
}
