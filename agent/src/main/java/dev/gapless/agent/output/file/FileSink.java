package dev.gapless.agent.output.file;

import dev.gapless.agent.internal.DurableFiles;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.FileOutputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Appends batches to a local file; a batch is delivered once forced to disk. Rolls by size: the full file
 * becomes {@code <name>.1}, older ones shift up to {@code <name>.<max_files>}, and the oldest beyond is
 * deleted. A failed write (e.g. a full disk) is retryable: the file is truncated back to the last delivered
 * batch so a retry never leaves half a batch in it.
 */
public final class FileSink implements Sink {

    private final Path path;
    private final long rollBytes;
    private final int maxFiles;
    // Only the output worker thread.
    private FileChannel channel;

    public FileSink(FileOutputConfig config) {
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
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        if (created) {
            DurableFiles.restrict(path);
            DurableFiles.fsyncDirectory(path.getParent());
        }
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
