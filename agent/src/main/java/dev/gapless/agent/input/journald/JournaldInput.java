package dev.gapless.agent.input.journald;

import dev.gapless.agent.input.IngestPort;
import dev.gapless.agent.input.IngestPort.Offer;
import dev.gapless.agent.input.IngestPort.Taken;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.journal.MessageBatch;
import dev.gapless.config.input.journald.JournaldInputConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the journal through journalctl ({@code -o export --follow}) run as a child, on one thread: entries become
 * events in batches (what one read of the pipe holds, up to {@link #MAX_BATCH_EVENTS}), appended to the journal,
 * the reading going on while earlier batches wait for their force (up to {@link #MAX_IN_FLIGHT} batches). The
 * checkpoint moves to the cursor of the last entry of each batch once that batch is durable, in order, never past
 * an entry that is not ({@link JournaldCheckpoint}, written off the journal's threads by {@link CursorWriter}). So
 * a restart, even after {@code kill -9}, resumes after the last durable entry: nothing lost, and what is read again
 * is at most what was taken but not yet durable.
 *
 * <p>journalctl exiting (killed, its journal gone, a bad option) is logged at WARN with its exit code and the tail
 * of its stderr, counted in {@code child_restarts}, and it is started again after a backoff ({@code restart_backoff},
 * doubled after each run that read nothing, at most {@link JournaldInputConfig#MAX_RESTART_BACKOFF}) after the last
 * entry taken. While the journal refuses appends the thread waits and reads nothing; journalctl then blocks on its
 * full pipe: nothing is dropped.
 */
public final class JournaldInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(JournaldInput.class);
    /** Entries per batch at most; a batch is also closed whenever the pipe has nothing more to read now. */
    static final int MAX_BATCH_EVENTS = 1024;
    /** Batches that may wait for their force at once; at the bound reading waits for the oldest force. */
    static final int MAX_IN_FLIGHT = 4096;
    /** How long the last entry's cursor lookup at a first {@code start_at: end} may take before it is given up. */
    static final long LAST_ENTRY_TIMEOUT_MS = 30_000;

    /** One batch waiting for its force, and the cursor of its last entry. */
    private record InFlight(CompletableFuture<Void> durable, String cursor) {
    }

    private final JournaldInputConfig config;
    private final IngestPort.Sender sender;
    private final JournaldCheckpoint checkpoint;
    private final CursorWriter writer;
    private final Clock clock;
    private final InputStats stats;
    private final Thread thread;
    private volatile boolean running = true;
    /** The child now running, null between runs; set by the input's thread, stopped by close(). */
    private volatile Journalctl child;

    // Guarded by inFlight (the input's thread adds, force completions remove).
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private JournaldCheckpoint.Position committed;
    // Only the input's thread.
    /** Where the next child starts: after the last entry taken (in the journal, durable or soon). */
    private JournaldCheckpoint.Position taken;
    private final MessageBatch batch = new MessageBatch(64 * 1024);
    private final JournaldEvents events;
    private String batchCursor;

    public JournaldInput(JournaldInputConfig config, IngestPort port, Path checkpointFile, boolean sync, Clock clock) {
        this.config = config;
        this.checkpoint = new JournaldCheckpoint(checkpointFile, sync);
        this.writer = new CursorWriter(checkpoint, config.id());
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.sender = port.open(stats, "journalctl" + config.directory().map(d -> " " + d).orElse(""));
        this.events = new JournaldEvents((int) config.maxEntryBytes().bytes());
        this.thread = new Thread(this::run, "gapless-input-" + config.id());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() throws IOException, InterruptedException {
        taken = restore();
        synchronized (inFlight) {
            committed = taken;
        }
        thread.start();
        log.info("input {} reading the journal{} {}", config.id(),
                config.directory().map(d -> " in " + d).orElse(""),
                taken.cursor() == null ? "from its beginning" : "after cursor " + taken.cursor());
    }

    /** The saved position; on a first start, where {@code start_at} says, saved at once. */
    JournaldCheckpoint.Position restore() throws IOException, InterruptedException {
        JournaldCheckpoint.Position saved;
        try {
            saved = checkpoint.load();
        } catch (IOException e) {
            log.error("input {}: {}; reading the journal from its beginning (duplicates)", config.id(),
                    e.getMessage());
            saved = JournaldCheckpoint.Position.BEGINNING;
        }
        if (saved != null) {
            return saved;
        }
        JournaldCheckpoint.Position first = JournaldCheckpoint.Position.BEGINNING;
        if (config.startAt() == JournaldInputConfig.StartAt.END) {
            String last = lastCursor();
            first = last == null ? JournaldCheckpoint.Position.BEGINNING : new JournaldCheckpoint.Position(last);
        }
        // Saved before the first entry is read: a restart before any is durable must not pass over what start_at
        // passed over, nor skip what was written meanwhile.
        if (!writer.save(first)) {
            throw new IOException("input " + config.id() + ": the first checkpoint " + checkpoint.file()
                    + " cannot be saved");
        }
        return first;
    }

    /** The cursor of the journal's last entry, or null when it has none. */
    private String lastCursor() throws IOException, InterruptedException {
        List<String> command = Journalctl.lastEntryCommand(config);
        try (Journalctl last = Journalctl.start(command, config.id())) {
            CompletableFuture<String> cursor = CompletableFuture.supplyAsync(() -> {
                try {
                    ExportReader r = new ExportReader(last.stdout(), (int) config.maxEntryBytes().bytes());
                    String c = null;
                    for (ExportReader.Result res = r.next(); res != ExportReader.Result.END; res = r.next()) {
                        if (res == ExportReader.Result.ENTRY) {
                            for (ExportReader.Field f : r.fields()) {
                                if (f.name().equals(JournaldEvents.CURSOR)) {
                                    c = new String(f.value(), StandardCharsets.UTF_8);
                                }
                            }
                        }
                    }
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                String c = cursor.get(LAST_ENTRY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                Integer code = last.awaitExit(Journalctl.STOP_GRACE_MS);
                if (code == null || code != 0 && c == null) {
                    throw new IOException("input " + config.id() + ": " + String.join(" ", command) + " exited with "
                            + code + ": " + last.stderrTail());
                }
                return c;
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("input " + config.id() + ": " + String.join(" ", command) + " failed: "
                        + e + " " + last.stderrTail(), e);
            }
        }
    }

    @Override
    public InputStats stats() {
        return stats;
    }

    /** The running child's pid, or -1 (for tests). */
    long childPid() {
        Journalctl c = child;
        return c == null ? -1 : c.pid();
    }

    /** The position the checkpoint holds now or is being saved with (for tests). */
    JournaldCheckpoint.Position committed() {
        synchronized (inFlight) {
            return committed;
        }
    }

    private void run() {
        long backoff = config.restartBackoff().toNanos();
        long max = JournaldInputConfig.MAX_RESTART_BACKOFF.toNanos();
        try {
            while (running) {
                long read = runChild();
                if (!running) {
                    break;
                }
                stats.childRestarts.increment();
                if (read > 0) {
                    backoff = config.restartBackoff().toNanos();
                }
                log.warn("input {}: journalctl is started again in {} after the last entry taken ({} restarts)",
                        config.id(), Duration.ofNanos(backoff), stats.childRestarts.sum());
                TimeUnit.NANOSECONDS.sleep(backoff);
                backoff = Math.min(max, backoff * 2);
            }
        } catch (InterruptedException e) {
            // closing, or the journal closed: the checkpoint holds what was durable
        } catch (RuntimeException e) {
            log.error("input {}: stopped by an unexpected error; restart to resume from the checkpoint",
                    config.id(), e);
        }
    }

    /** Runs journalctl once, to its end. @return the entries it gave */
    private long runChild() throws InterruptedException {
        List<String> command = Journalctl.followCommand(config, taken.cursor());
        Journalctl c;
        try {
            c = Journalctl.start(command, config.id());
        } catch (IOException e) {
            log.error("input {}: {} cannot be started: {}", config.id(), command.get(0), e.getMessage());
            return 0;
        }
        child = c;
        if (!running) {
            c.stop(); // close() came between the start and the line above: it did not see this child
        }
        long entries = 0;
        ExportReader reader = new ExportReader(c.stdout(), (int) config.maxEntryBytes().bytes());
        try {
            while (true) {
                ExportReader.Result r = reader.next();
                if (r == ExportReader.Result.END) {
                    break;
                }
                if (r == ExportReader.Result.MALFORMED) {
                    flush();
                    sender.reject(1, "journalctl gave a malformed entry: " + reader.error());
                    continue;
                }
                entries++;
                String cursor = events.add(reader.fields(), batch);
                if (cursor != null) {
                    batchCursor = cursor;
                }
                if (batch.size() >= MAX_BATCH_EVENTS || !reader.ready()) {
                    flush();
                }
            }
            flush();
            if (reader.partialAtEnd() && running) {
                log.warn("input {}: journalctl's output ended inside an entry; it is read again from the cursor "
                        + "before it", config.id());
            }
        } catch (IOException e) {
            if (running) {
                log.warn("input {}: reading journalctl's output failed: {}", config.id(), e.toString());
            }
            flush();
        } finally {
            child = null;
            c.stop();
            if (running) {
                Integer code = c.awaitExit(Journalctl.STOP_GRACE_MS);
                log.warn("input {}: journalctl exited with {} after {} entries: {}", config.id(), code, entries,
                        c.stderrTail());
            }
            c.close();
        }
        return entries;
    }

    /** Appends the batch (blocking while the journal is full) and queues its cursor for commit once durable. */
    private void flush() throws InterruptedException {
        if (batch.size() == 0) {
            return;
        }
        awaitRoom();
        batch.receivedAtNanos(nanos());
        Offer offer = sender.append(batch);
        if (!(offer instanceof Taken t)) {
            throw new InterruptedException("journal closed");
        }
        batch.clear();
        if (batchCursor == null) {
            return; // entries without a cursor (none that journalctl writes): nothing to resume after
        }
        JournaldCheckpoint.Position p = new JournaldCheckpoint.Position(batchCursor);
        taken = p;
        batchCursor = null;
        CompletableFuture<Void> durable = t.durable().toCompletableFuture();
        synchronized (inFlight) {
            inFlight.add(new InFlight(durable, p.cursor()));
        }
        durable.whenComplete((v, e) -> commitDurable());
    }

    /** Waits while {@link #MAX_IN_FLIGHT} batches wait for their force. */
    private void awaitRoom() throws InterruptedException {
        while (true) {
            InFlight head;
            synchronized (inFlight) {
                if (inFlight.size() < MAX_IN_FLIGHT) {
                    return;
                }
                head = inFlight.peek();
            }
            try {
                head.durable().get(100, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new InterruptedException("journal closed before the force");
            } catch (TimeoutException e) {
                // a slow force: wait again
            }
        }
    }

    /** Moves the committed cursor over the batches whose force completed, in order, and hands it to the writer. */
    private void commitDurable() {
        JournaldCheckpoint.Position moved = null;
        synchronized (inFlight) {
            while (!inFlight.isEmpty() && inFlight.peek().durable().isDone()) {
                InFlight f = inFlight.peek();
                if (f.durable().isCompletedExceptionally()) {
                    return; // the journal closed before this force: nothing past it is committed
                }
                inFlight.poll();
                committed = new JournaldCheckpoint.Position(f.cursor());
                moved = committed;
            }
        }
        if (moved != null) {
            writer.offer(moved);
        }
    }

    private long nanos() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        Journalctl c = child;
        if (c != null) {
            c.stop(); // the reader sees the end of its output
        }
        thread.interrupt();
        try {
            thread.join(5000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                InFlight last;
                synchronized (inFlight) {
                    last = inFlight.peekLast();
                }
                if (last == null) {
                    break;
                }
                try {
                    last.durable().get(50, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    break; // never durable: read again after a restart
                } catch (TimeoutException e) {
                    // waited again until the deadline
                }
                commitDurable();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        JournaldCheckpoint.Position last = committed();
        if (last != null) {
            writer.save(last);
        }
        sender.close();
    }
}
