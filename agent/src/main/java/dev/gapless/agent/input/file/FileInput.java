package dev.gapless.agent.input.file;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.input.file.FileInputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the files {@code path} matches, line by line, on one thread, round-robin, one chunk of a file per step.
 * Reads are pipelined with durability: a chunk's lines go to the journal as one batch and reading goes on while
 * earlier batches wait for their force, up to {@link #MAX_IN_FLIGHT_BYTES}; as forces complete (in order) each file's
 * checkpoint moves to just past the last line of its newest durable batch, never past a line not yet durable. The
 * checkpoint (one entry per file, keyed by fingerprint, device and inode: {@link FileCheckpoint}, {@link Restored})
 * is written by its own thread ({@link CheckpointWriter}). What the journal refuses (full) blocks the thread until it
 * takes it: nothing is read meanwhile, nothing dropped. With {@code multiline}, each file's lines pass through its
 * {@link LineJoiner} first, and a file's position queued stops before the event it holds.
 *
 * <p>Files: the glob is matched at start and every {@code scan_interval} (and at once when a followed file is no
 * longer at its path). A file found later is read from its start. A file no longer matched (renamed out of the glob,
 * deleted) is read to its end and on for {@code rotate_wait} after it last grew, then its unfinished last line made
 * a line (and its held multiline event emitted), and closed; a file renamed within the glob is
 * the same file. A file shorter than what was read, or whose first bytes changed (copytruncate), is read again from
 * its start. At {@code max_files} further files are logged and counted, not followed, until a followed one closes.
 */
public final class FileInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(FileInput.class);
    /** Bytes read per step; a batch holds the lines they complete: this plus one line (or one multiline event). */
    static final int READ_BYTES = 512 * 1024;
    /** Bytes read whose lines may wait for their force at once; at the bound reading waits for the oldest force. */
    static final long MAX_IN_FLIGHT_BYTES = 64L * 1024 * 1024;
    /** Batches that may wait for their force at once (tailing slowly makes small ones); same at the bound. */
    static final int MAX_IN_FLIGHT_BATCHES = 16_384;

    /** One batch (or one skipped stretch with no line) waiting for its force. */
    private record InFlight(Tailer tailer, int generation, long offset, boolean discarding, int bytes,
                            CompletableFuture<Void> durable) {
    }

    private final FileInputConfig config;
    private final IngestPort.Sender sender;
    private final FileCheckpoint checkpoint;
    private final CheckpointWriter writer;
    private final FileGlob glob;
    private final Clock clock;
    private final InputStats stats;
    private final FileSet files;
    private final long maxInFlightBytes;
    private final int maxLine;
    private final Thread thread;
    private volatile boolean running = true;

    // Only the input's thread (and the test stepping it, and close() once the thread is gone).
    /** Closed files whose last batches wait for their force: their entries stay in the checkpoint until then. */
    private final List<Tailer> finishing = new ArrayList<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private long inFlightBytes;
    private boolean dirty;
    private int next;
    private final byte[] chunk = new byte[READ_BYTES];
    private final LineSplitter.Chunk chunkView = LineSplitter.chunk(chunk);
    private final MessageBatch lines = new MessageBatch(READ_BYTES);
    /** With multiline: the splitter's lines, before the joiner makes them events in {@link #lines}. */
    private final MessageBatch split;

    public FileInput(FileInputConfig config, IngestPort port, Path checkpointFile, boolean sync, Clock clock) {
        this(config, port, checkpointFile, sync, clock, MAX_IN_FLIGHT_BYTES);
    }

    FileInput(FileInputConfig config, IngestPort port, Path checkpointFile, boolean sync, Clock clock,
              long maxInFlightBytes) {
        this.config = config;
        this.checkpoint = new FileCheckpoint(checkpointFile, sync);
        this.writer = new CheckpointWriter(checkpoint, config.id());
        this.glob = new FileGlob(config.path(), config.exclude());
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.sender = port.open(stats, glob.toString());
        this.maxInFlightBytes = maxInFlightBytes;
        this.maxLine = (int) Math.min(Integer.MAX_VALUE - READ_BYTES - 16L, config.maxLineBytes().bytes());
        this.files = new FileSet(config, glob, stats, maxLine);
        this.split = config.multiline().isPresent() ? new MessageBatch(READ_BYTES) : lines;
        this.thread = new Thread(this::run, "gapless-input-" + config.id());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        restore();
        thread.start();
        log.info("input {} following {}", config.id(), glob);
    }

    /** Loads the checkpoint; a damaged one means reading every file from its start. */
    void restore() {
        List<FileCheckpoint.Entry> saved;
        try {
            saved = checkpoint.load();
        } catch (IOException e) {
            log.error("input {}: {}; reading the files of {} from their start (duplicates possible)", config.id(),
                    e.getMessage(), glob);
            saved = List.of();
        }
        files.restore(saved);
    }

    @Override
    public InputStats stats() {
        return stats;
    }

    private void run() {
        long nextScan = System.nanoTime();
        try {
            while (running) {
                if (files.scanRequested() || System.nanoTime() - nextScan >= 0) {
                    scan();
                    nextScan = System.nanoTime() + config.scanInterval().toNanos();
                }
                boolean read = step();
                publish();
                if (!read) {
                    awaitProgress(config.pollInterval().toNanos());
                }
            }
        } catch (InterruptedException e) {
            // closing, or the journal closed: the checkpoint holds what was durable
        } catch (RuntimeException e) {
            log.error("input {}: stopped by an unexpected error; restart to resume from the checkpoint",
                    config.id(), e);
        }
    }

    /** Matches the glob (see {@link FileSet#scan}); the first scan saves the checkpoint at once. */
    void scan() {
        if (files.scan()) {
            save(); // a restart before the first line must not skip what start_at: end passed over
        }
        dirty = true;
    }

    /**
     * Reads one chunk of the next file with something to read (round-robin), after moving the checkpoint over the
     * forces done. @return true if something was read or a file closed (so step again at once)
     */
    boolean step() throws InterruptedException {
        commitDurable();
        if (files.scanRequested()) {
            scan();
        }
        if (inFlightBytes >= maxInFlightBytes || inFlight.size() >= MAX_IN_FLIGHT_BATCHES) {
            return false; // at the bound: the caller waits for the oldest force
        }
        List<Tailer> tailers = files.tailers();
        int n = tailers.size();
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int at = (next + i) % n;
            Tailer t = tailers.get(at);
            if (t.idleUntil - now > 0) {
                continue; // found at its end lately: looked at again once poll_interval has passed
            }
            boolean did;
            try {
                did = read(t);
            } catch (IOException e) {
                log.warn("input {}: reading {} failed: {}; reading again from offset {}", config.id(), t,
                        e.toString(), t.queuedOffset);
                t.reread(t.queuedOffset, t.queuedDiscarding);
                t.idleUntil = now + config.pollInterval().toNanos();
                continue;
            }
            if (t.closed) {
                files.remove(at);
                if (t.inFlight > 0) {
                    finishing.add(t);
                }
                dirty = true;
                next = n > 1 ? at % (n - 1) : 0;
                return true;
            }
            if (did) {
                next = (at + 1) % n;
                return true;
            }
        }
        return files.scanRequested(); // a file is no longer at its path: step again, which scans first
    }

    /** @return true if bytes were read or the file finished */
    private boolean read(Tailer t) throws IOException, InterruptedException {
        long size = t.channel.size();
        long position = t.splitter.position();
        if (size < position) { // shorter than what was read: copytruncate, or rewritten
            log.warn("input {}: {} was truncated to {} bytes; reading it from its start", config.id(), t, size);
            emitHeld(t); // read from the old content: not to be read again
            t.restartAtZero();
            dirty = true;
        } else if (size > position && position > 0 && files.prefixChanged(t)) {
            // Truncated and written past the old position before this look (a size check alone misses it, and would
            // read on from the old offset, skipping the new file's first bytes): its first bytes are not the ones read.
            log.warn("input {}: {} was truncated and written again (its first bytes changed); reading it from its "
                    + "start", config.id(), t);
            emitHeld(t);
            t.restartAtZero();
            dirty = true;
        }
        long from = t.splitter.position();
        if (size > from) {
            int n = (int) Math.min(READ_BYTES, size - from);
            ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
            while (buf.hasRemaining() && t.channel.read(buf, from + buf.position()) > 0) {
                // positional reads until the chunk is full or the file ends
            }
            int length = buf.position();
            lines.clear();
            lines.receivedAtNanos(nanos());
            split.clear();
            t.splitter.split(chunkView, 0, length, split);
            join(t, from, length);
            files.refreshFingerprint(t);
            queue(t, length);
            if (length > 0) {
                t.endSince = Tailer.NOT_WAITING;
            }
            return length > 0;
        }
        if (t.joiner != null) {
            lines.clear();
            lines.receivedAtNanos(nanos());
            if (t.joiner.emitIfIdle(clock.millis(), lines)) {
                queue(t, 0); // the writer paused: the held event is emitted as it is
                return true;
            }
        }
        if (t.gone && !rotateWaitOver(t)) {
            t.idleUntil = System.nanoTime() + config.pollInterval().toNanos();
            return false; // its writer may still append to it: looked at again after poll_interval
        }
        if (t.gone) {
            lines.clear();
            lines.receivedAtNanos(nanos());
            split.clear();
            t.splitter.finish(split);
            join(t, t.splitter.position(), 0);
            if (t.joiner != null) {
                t.joiner.finish(lines);
            }
            queue(t, 0);
            t.close();
            log.info("input {}: {} read to its end and closed", config.id(), t);
            return true;
        }
        Tailer.Key atPath = Tailer.Key.of(t.path);
        if (!t.key.equals(atPath)) {
            files.requestScan(); // replaced or removed: find out where it went, and what is there now
        } else {
            t.idleUntil = System.nanoTime() + config.pollInterval().toNanos();
        }
        return false;
    }

    /**
     * With multiline, joins the lines just split (of {@code chunk[0, length)}, from file offset {@code from}) into
     * {@link #lines}; without, they are there already.
     */
    private void join(Tailer t, long from, int length) {
        if (t.joiner == null) {
            return;
        }
        long abortedBefore = t.joiner.aborted();
        t.joiner.join(split, length > 0 ? chunk : null, from, length, lines, clock.millis());
        long aborted = t.joiner.aborted() - abortedBefore;
        if (aborted > 0) {
            stats.multilineAborted.add(aborted);
            if (!t.abortLogged) {
                t.abortLogged = true;
                log.warn("input {}: {}: matching multiline.start_pattern against a line took more than {} steps; "
                        + "the line was taken as a continuation (kept, nothing lost); further ones are only counted "
                        + "(multiline_matches_aborted)", config.id(), t, LineJoiner.MATCH_STEPS);
            }
        }
    }

    /** Emits the event the joiner holds (its file is being read again from its start). */
    private void emitHeld(Tailer t) throws InterruptedException {
        if (t.joiner != null && t.joiner.holding()) {
            lines.clear();
            lines.receivedAtNanos(nanos());
            t.joiner.finish(lines);
            queue(t, 0);
        }
    }

    /**
     * A gone file at its end is kept open for rotate_wait after it last grew (or was first found at its end gone),
     * for a writer still appending to it after the rename. @return true once that wait is over
     */
    private boolean rotateWaitOver(Tailer t) {
        long wait = config.rotateWait().toMillis();
        long now = clock.millis();
        if (t.endSince == Tailer.NOT_WAITING) {
            t.endSince = now;
        }
        return now - t.endSince >= wait || now < t.endSince; // a clock set back ends the wait rather than prolong it
    }

    /**
     * Offers the lines read and queues the position past them (but never past an event the joiner holds); a stretch
     * with no line is queued all the same.
     */
    private void queue(Tailer t, int bytes) throws InterruptedException {
        long dealt = t.readyOffset();
        boolean discarding = t.readyDiscarding();
        if (lines.size() == 0 && dealt == t.queuedOffset && discarding == t.queuedDiscarding) {
            return; // only a partial line grew, or a held event: nothing to say yet
        }
        CompletableFuture<Void> durable;
        if (lines.size() > 0) {
            Offer offer = sender.append(lines); // blocks while the journal is full
            if (!(offer instanceof Taken taken)) {
                throw new InterruptedException("journal closed");
            }
            durable = taken.durable().toCompletableFuture();
        } else {
            durable = CompletableFuture.completedFuture(null);
        }
        t.queuedOffset = dealt;
        t.queuedDiscarding = discarding;
        t.inFlight++;
        inFlightBytes += bytes;
        inFlight.add(new InFlight(t, t.generation, dealt, t.queuedDiscarding, bytes, durable));
    }

    /** Moves each file's committed position over the batches whose force completed (in order). */
    private void commitDurable() throws InterruptedException {
        while (!inFlight.isEmpty() && inFlight.peek().durable().isDone()) {
            InFlight f = inFlight.poll();
            inFlightBytes -= f.bytes();
            f.tailer().inFlight--;
            if (f.durable().isCompletedExceptionally()) {
                throw new InterruptedException("journal closed before the force");
            }
            if (f.generation() == f.tailer().generation) {
                f.tailer().committedOffset = f.offset();
                f.tailer().committedDiscarding = f.discarding();
            }
            if (f.tailer().closed && f.tailer().inFlight == 0) {
                finishing.remove(f.tailer());
            }
            dirty = true;
        }
    }

    /** Waits up to {@code nanos} for the oldest force, or sleeps that long when nothing waits for one. */
    private void awaitProgress(long nanos) throws InterruptedException {
        InFlight head = inFlight.peek();
        if (head == null) {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return;
        }
        try {
            head.durable().get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // commitDurable decides: a failed force stops the input, a slow one is waited for again
        }
    }

    /** Hands the checkpoint to its writer if a position moved and no earlier snapshot waits to be written. */
    private void publish() {
        if (dirty && files.scanned() && writer.idle()) {
            dirty = false;
            writer.offer(entries());
        }
    }

    private boolean save() {
        dirty = false;
        return writer.save(entries());
    }

    private List<FileCheckpoint.Entry> entries() {
        List<FileCheckpoint.Entry> out = new ArrayList<>(files.tailers().size() + finishing.size());
        for (Tailer t : files.tailers()) {
            out.add(t.entry());
        }
        for (Tailer t : finishing) {
            out.add(t.entry());
        }
        return out;
    }

    /**
     * Waits (up to {@code timeoutMs}) until every batch read is durable, then saves the checkpoint on this thread.
     * @return true if everything read was durable and saved
     */
    boolean flush(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            awaitProgress(Math.min(TimeUnit.MILLISECONDS.toNanos(50), deadline - System.nanoTime()));
            commitDurable();
        }
        return files.scanned() && save() && inFlight.isEmpty();
    }

    /** Batches read and not durable yet (for tests). */
    int inFlightBatches() {
        return inFlight.size();
    }

    /** Files followed now (for tests). */
    int following() {
        return files.tailers().size();
    }

    private long nanos() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public void close() {
        if (!running) {
            return; // closed already
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        if (!thread.isAlive()) {
            try {
                flush(5000); // what the journal forces within the bound is checkpointed; the rest is read again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("input {}: final checkpoint: {}", config.id(), e.toString());
            }
            for (Tailer t : files.tailers()) {
                t.close();
            }
            sender.close();
        }
    }
}
