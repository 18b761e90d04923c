package dev.gapless.agent.input.file;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file input's checkpoint off the reading thread, so a save's fsyncs never stall reading. Bounded to one
 * pending snapshot: a newer one replaces it (the older is wholly covered by it), so at most one save runs and one
 * waits. A failed save is logged and the next snapshot tries again (a restart then reads from an older position:
 * duplicates, never loss).
 */
final class CheckpointWriter {

    private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

    private final FileCheckpoint checkpoint;
    private final String input;
    private final AtomicReference<List<FileCheckpoint.Entry>> pending = new AtomicReference<>();
    private final ExecutorService thread;

    CheckpointWriter(FileCheckpoint checkpoint, String input) {
        this.checkpoint = checkpoint;
        this.input = input;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gapless-input-" + input + "-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    /** Saves {@code entries} soon, unless a newer snapshot comes first. */
    void offer(List<FileCheckpoint.Entry> entries) {
        if (pending.getAndSet(entries) == null) {
            thread.execute(this::writePending);
        }
    }

    /** @return true if no snapshot waits to be written (one may be being written) */
    boolean idle() {
        return pending.get() == null;
    }

    private void writePending() {
        List<FileCheckpoint.Entry> entries = pending.getAndSet(null);
        if (entries != null) {
            save(entries);
        }
    }

    /** Saves now, on the caller's thread, after any save under way. @return false if it failed (logged) */
    synchronized boolean save(List<FileCheckpoint.Entry> entries) {
        try {
            checkpoint.save(entries);
            return true;
        } catch (IOException e) {
            log.error("input {}: checkpoint {} could not be saved: {}; a restart would read again from the last "
                    + "saved one (duplicates)", input, checkpoint.file(), e.toString());
            return false;
        }
    }

    /** Lets the pending save finish (bounded), then stops the thread. */
    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
