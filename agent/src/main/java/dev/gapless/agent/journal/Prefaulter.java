package dev.gapless.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the pages just ahead of the writer into the page cache on its own thread, so the appending thread's
 * first store into each page of Chronicle's mapping finds the page there instead of allocating it (measured on
 * the bench VM: 10–20 µs per first-touched page against 1–5 µs for a page already cached; see
 * docs/benchmarks.md).
 *
 * <p>It only ever <em>reads</em> the cycle file (a buffered {@code pread} of the file's not-yet-written, still
 * zero range, which the kernel fills into the page cache), so it can never change a byte Chronicle wrote nor
 * make a "not yet written" zero header look written. It reads at most {@link #AHEAD} bytes past the writer's
 * position and never past the file's end (Chronicle extends the file a block at a time, 2–10 MiB ahead of the
 * writer with 8 MiB blocks). When it falls behind, the writer faults its pages itself, as without it.
 */
final class Prefaulter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Prefaulter.class);
    /** {@code -Dgapless.journal.prefault=false} turns it off: a diagnostic switch for comparing, not a setting. */
    static final boolean ENABLED = !"false".equals(System.getProperty("gapless.journal.prefault"));
    /** How far past the writer's position pages are brought in. */
    static final long AHEAD = 4L << 20;
    /** The writer wakes the thread once its position comes this close to what was read. */
    static final long LOW_WATER = AHEAD / 2;
    private static final int CHUNK = 256 << 10;
    /** The longest it sleeps unwoken: the writer wakes it whenever it comes near what was read. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What the writer publishes: the active cycle file; its position is published separately. */
    private record Target(Path file) {
    }

    private final Thread thread;
    private volatile boolean running = true;
    // Published by the writer (under the journal's write lock), read by the prefault thread.
    private volatile Target target;
    private volatile long position;
    // Written by the prefault thread, read by the writer to decide whether to wake it.
    private volatile long readTo;

    // Only the prefault thread.
    private Target current;
    private FileChannel channel;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(CHUNK);

    Prefaulter() {
        this.thread = new Thread(this::run, "gapless-journal-prefault");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * The writer's position moved (called by the writer, under the journal's write lock; cheap unless the thread
     * must be woken).
     *
     * @param file     the cycle file being written, or null when no segment is writable
     * @param position the writer's offset in it
     */
    void writerAt(Path file, long position) {
        Target t = target;
        if (t == null || !t.file().equals(file)) {
            target = file == null ? null : new Target(file);
            this.position = position;
            LockSupport.unpark(thread);
            return;
        }
        this.position = position;
        if (position + LOW_WATER > readTo) {
            LockSupport.unpark(thread);
        }
    }

    /** How far the cycle file was read (0 when no file is being read); for tests. */
    long readTo() {
        return readTo;
    }

    /** The writer's last published position; for tests. */
    long writerPosition() {
        return position;
    }

    private void run() {
        while (running) {
            try {
                runOnce();
            } catch (IOException | RuntimeException e) {
                // Only an optimisation: on any trouble drop the file and wait for the next one.
                log.debug("journal prefault: {}", e.toString());
                closeChannel();
                current = null;
            }
            LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
        closeChannel();
    }

    /** Reads what lies between the writer's position and {@link #AHEAD} past it and is not read yet. */
    void runOnce() throws IOException {
        Target t = target;
        if (t != current) {
            closeChannel();
            current = t;
            readTo = 0;
            if (t != null) {
                channel = FileChannel.open(t.file(), StandardOpenOption.READ);
            }
        }
        if (channel == null) {
            return;
        }
        long pos = position;
        long from = Math.max(readTo, pos & ~4095L);
        long to = Math.min(pos + AHEAD, channel.size());
        while (from < to && running && target == current) {
            scratch.clear().limit((int) Math.min(CHUNK, to - from));
            int n = channel.read(scratch, from);
            if (n <= 0) {
                break;
            }
            from += n;
            readTo = from;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only channel: nothing to lose
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        running = false;
        target = null;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
