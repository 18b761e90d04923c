package dev.gapless.agent.input.journald;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a journald input's checkpoint off the journal's force threads (which complete the batches' durability) and
 * off the reading thread. Bounded to one pending position: a newer one replaces it (it is further on), so at most
 * one save runs and one waits. A failed save is logged and the next position tries again (a restart then resumes
 * from an older cursor: duplicates, never loss).
 */
final class CursorWriter {

    private static final Logger log = LoggerFactory.getLogger(CursorWriter.class);

    private final JournaldCheckpoint checkpoint;
    private final String input;
    private final AtomicReference<JournaldCheckpoint.Position> pending = new AtomicReference<>();
    private final ExecutorService thread;

    CursorWriter(JournaldCheckpoint checkpoint, String input) {
        this.checkpoint = checkpoint;
        this.input = input;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gapless-input-" + input + "-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    /** Saves {@code p} soon, unless a newer position comes first. */
    void offer(JournaldCheckpoint.Position p) {
        if (pending.getAndSet(p) == null) {
            try {
                thread.execute(this::writePending);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closing: close() saves the last committed position itself
            }
        }
    }

    private void writePending() {
        JournaldCheckpoint.Position p = pending.getAndSet(null);
        if (p != null) {
            save(p);
        }
    }

    /** Saves now, on the caller's thread, after any save under way. @return false if it failed (logged) */
    synchronized boolean save(JournaldCheckpoint.Position p) {
        try {
            checkpoint.save(p);
            return true;
        } catch (IOException e) {
            log.error("input {}: checkpoint {} could not be saved: {}; a restart would resume from the last saved "
                    + "cursor (duplicates)", input, checkpoint.file(), e.toString());
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
