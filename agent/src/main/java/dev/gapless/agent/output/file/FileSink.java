package dev.gapless.agent.output.file;

import dev.gapless.agent.internal.DurableFiles;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.file.FileOutputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends batches to a local file; a batch is delivered once forced to disk. Rolls by size: the full file
 * becomes {@code <name>.1}, older ones shift up to {@code <name>.<max_files>}, and the oldest beyond is
 * deleted. A failed write (e.g. a full disk) is retryable: the file is truncated back to the last delivered
 * batch so a retry never leaves half a batch in it. A file found on open not ending in a newline holds half
 * a batch a crash cut short (never acknowledged, so it is sent again): that tail is cut off first.
 */
public final class FileSink implements Sink {

    /** Opens the file for writing; a seam for tests that need a write to fail half-way. */
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(FileSink.class);
    /** Bytes read at a time while looking back for the last newline of a torn file. */
    private static final int TAIL_SCAN_BYTES = 64 * 1024;

    private final Opener opener;
    private final Path path;
    private final long rollBytes;
    private final int maxFiles;
    // Only the output worker thread.
    private FileChannel channel;

    public FileSink(FileOutputConfig config) {
        this(config, p -> FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ), DurableFiles.ownerOnlyFile()));
    }

    FileSink(FileOutputConfig config, Opener opener) {
        this.opener = opener;
        this.path = config.path();
        this.rollBytes = config.rollSize().bytes();
        this.maxFiles = config.maxFiles();
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        long start = -1;
        try {
            if (channel == null) {
                open();
            }
            if (channel.size() > 0 && channel.size() + batch.length() > rollBytes) {
                roll();
            }
            start = channel.size();
            ByteBuffer buf = ByteBuffer.wrap(batch.bytes(), 0, batch.length());
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        } catch (IOException e) {
            undo(start);
            return CompletableFuture.completedFuture(
                    new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE, "write to " + path + " failed: " + e, null));
        }
    }

    private void open() throws IOException {
        DurableFiles.ownerOnlyDirectory(path.getParent());
        boolean created = !Files.exists(path);
        channel = opener.open(path);
        cutTornTail();
        channel.position(channel.size());
        if (created) {
            DurableFiles.restrict(path);
            DurableFiles.fsyncDirectory(path.getParent());
        }
    }

    private void cutTornTail() throws IOException {
        long size = channel.size();
        if (size == 0 || lastByteAt(size - 1) == '\n') {
            return;
        }
        long keep = 0;
        ByteBuffer buf = ByteBuffer.allocate(TAIL_SCAN_BYTES);
        for (long end = size; end > 0 && keep == 0; end -= TAIL_SCAN_BYTES) {
            long start = Math.max(0, end - TAIL_SCAN_BYTES);
            buf.clear().limit((int) (end - start));
            while (buf.hasRemaining() && channel.read(buf, start + buf.position()) >= 0) {
                // fill the window
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    keep = start + i + 1;
                    break;
                }
            }
        }
        log.warn("output file {}: cutting {} bytes of a batch left half-written (it is sent again)", path,
                size - keep);
        channel.truncate(keep);
    }

    private int lastByteAt(long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return channel.read(one, position) == 1 ? one.get(0) : -1;
    }

    private void roll() throws IOException {
        channel.close();
        channel = null;
        Files.deleteIfExists(rolled(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rolled(i))) {
                Files.move(rolled(i), rolled(i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (maxFiles >= 1) {
            Files.move(path, rolled(1), StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.delete(path);
        }
        open();
    }

    private Path rolled(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void undo(long start) {
        if (channel == null || start < 0) {
            return;
        }
        try {
            channel.truncate(start);
            channel.position(start);
        } catch (IOException e) {
            close(); // reopened at the next attempt
        }
    }

    @Override
    public String destination() {
        return path.toString();
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // every delivered batch was forced already
            }
            channel = null;
        }
    }
}
