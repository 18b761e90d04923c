package dev.gapless.agent.input.file;

import dev.gapless.agent.event.Event;
import dev.gapless.agent.event.Tags;
import dev.gapless.agent.input.Input;
import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.Utf8;
import dev.gapless.agent.journal.AppendResult;
import dev.gapless.agent.journal.Journal;
import dev.gapless.config.FileInputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one file line by line. After every batch the journal made durable, the offset just past its last
 * line is checkpointed, so a restart resumes there: nothing acknowledged is read twice and nothing is
 * skipped. A partial last line waits for its newline. A file that shrinks or is replaced (another inode) is
 * read again from its start. Lines over {@code max_line_bytes} are cut and tagged; the rest of such a line
 * is skipped. One thread per file input.
 */
public final class FileInput implements Input {

    private static final Logger log = LoggerFactory.getLogger(FileInput.class);
    /** Bytes read per step; a batch holds the lines they complete. */
    static final int READ_BYTES = 256 * 1024;

    private final FileInputConfig config;
    private final Journal journal;
    private final FileCheckpoint checkpoint;
    private final Clock clock;
    private final InputStats stats;
    private final Thread thread;
    private volatile boolean running = true;

    // Only the input's thread.
    private long inode = -1;
    private long offset = -1;
    private boolean discarding;
    private byte[] carry = new byte[0];

    public FileInput(FileInputConfig config, Journal journal, Path checkpointFile, boolean sync, Clock clock) {
        this.config = config;
        this.journal = journal;
        this.checkpoint = new FileCheckpoint(checkpointFile, sync);
        this.clock = clock;
        this.stats = new InputStats(config.id(), config.type());
        this.thread = new Thread(this::run, "gapless-input-" + config.id());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() throws IOException {
        FileCheckpoint.Position saved;
        try {
            saved = checkpoint.load();
        } catch (IOException e) {
            log.error("input {}: {}; reading {} from its start (duplicates possible)", config.id(), e.getMessage(),
                    config.path());
            saved = new FileCheckpoint.Position(-1, 0);
        }
        if (saved != null) {
            inode = saved.inode();
            offset = saved.offset();
        }
        thread.start();
        log.info("input {} following {}", config.id(), config.path());
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
                try {
                    TimeUnit.NANOSECONDS.sleep(config.pollInterval().toNanos());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** @return true if lines were taken (so look again at once) */
    boolean step() throws IOException, InterruptedException {
        Path path = config.path();
        long currentInode;
        long size;
        try {
            currentInode = inodeOf(path);
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (offset < 0) {
            offset = config.startAt() == FileInputConfig.StartAt.END ? size : 0;
            inode = currentInode;
        } else if (currentInode != inode || size < offset) {
            log.warn("input {}: {} was {}; reading it from its start", config.id(), path,
                    currentInode != inode ? "replaced" : "truncated");
            inode = currentInode;
            offset = 0;
            carry = new byte[0];
            discarding = false;
        }
        if (size <= offset + carry.length) {
            return false;
        }
        byte[] chunk;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long from = offset + carry.length;
            int n = (int) Math.min(READ_BYTES, size - from);
            ByteBuffer buf = ByteBuffer.allocate(carry.length + n);
            buf.put(carry);
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position() - carry.length) < 0) {
                    break;
                }
            }
            chunk = Arrays.copyOf(buf.array(), buf.position());
        }
        List<Event> events = frame(chunk);
        if (events.isEmpty()) {
            return false;
        }
        long end = events.get(events.size() - 1).sourcePosition();
        append(events);
        offset = Math.max(offset, end);
        checkpoint.save(new FileCheckpoint.Position(inode, offset));
        return true;
    }

    /** Splits the bytes at {@code offset..} into events; keeps an unfinished last line in {@code carry}. */
    private List<Event> frame(byte[] chunk) {
        int max = (int) Math.min(Integer.MAX_VALUE - 16, config.maxLineBytes().bytes());
        List<Event> out = new ArrayList<>();
        long now = nanos();
        int start = 0;
        int consumed = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] != '\n') {
                continue;
            }
            int end = i > start && chunk[i - 1] == '\r' ? i - 1 : i;
            if (discarding) {
                discarding = false;
            } else if (end > start) {
                out.add(event(chunk, start, Math.min(end, start + max), end - start > max, offset + i + 1, now));
            }
            start = i + 1;
            consumed = start;
        }
        int rest = chunk.length - consumed;
        if (rest > max && !discarding) {
            out.add(event(chunk, consumed, consumed + max, true, offset + chunk.length, now));
            discarding = true;
            carry = new byte[0];
            offset += chunk.length;
        } else if (discarding) {
            carry = new byte[0];
            offset += chunk.length;
        } else {
            carry = Arrays.copyOfRange(chunk, consumed, chunk.length);
        }
        return out;
    }

    private Event event(byte[] chunk, int from, int to, boolean truncated, long position, long now) {
        int tags = 0;
        if (truncated) {
            tags |= Tags.TRUNCATED;
            stats.truncated.increment();
        }
        if (!Utf8.isValid(chunk, from, to)) {
            tags |= Tags.INVALID_UTF8;
            stats.invalidUtf8.increment();
        }
        return Event.line(config.id(), position, now, Arrays.copyOfRange(chunk, from, to), tags);
    }

    /** Appends, waiting while the journal is full, then waits for the force that makes them acknowledged. */
    private void append(List<Event> events) throws InterruptedException {
        AppendResult r;
        boolean warned = false;
        while (!(r = journal.append(events)).appended()) {
            if (r.status() == AppendResult.Status.CLOSED || !running) {
                throw new InterruptedException("journal closed");
            }
            if (!warned) {
                warned = true;
                stats.blocked.increment();
                log.warn("input {}: journal full ({}), pausing", config.id(), r.status());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        try {
            journal.whenDurable(r.lastSeq()).get();
        } catch (ExecutionException e) {
            throw new InterruptedException("journal closed before the force");
        }
        long bytes = 0;
        for (Event e : events) {
            bytes += e.message().length;
        }
        stats.accepted.add(events.size());
        stats.bytes.add(bytes);
        stats.lastEventAt = clock.millis();
    }

    private long nanos() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long inodeOf(Path path) throws IOException {
        Object key = Files.getAttribute(path, "unix:ino");
        return key instanceof Number n ? n.longValue() : -1;
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
    }
}
