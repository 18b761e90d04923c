package dev.gapless.agent.output.archive;

import dev.gapless.agent.internal.DurableFiles;
import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.config.output.archive.ArchiveOutputConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches to an archive directory (format: package-info.java). A batch is delivered once it was written as
 * one frame and the file fsynced (the directory too when the file was just made). A file is closed when the next
 * frame would take it past {@code roll_size}, or at the first batch once it has been open {@code roll_interval}:
 * its entry is appended to the manifest and fsynced, then {@code .open} is dropped from its name. A failed write
 * (a full disk) is retryable and cut back, so a file never keeps half a frame; a file a crash left open is cut back
 * to its last complete frame, entered in the manifest and closed at the next start, and what was cut is sent again
 * since the cursor had not passed it.
 */
public final class ArchiveSink implements Sink {

    /** Opens an archive file for writing; a seam for tests that need a write to fail half-way. */
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(ArchiveSink.class);

    private final Path dir;
    private final Frames frames;
    private final long rollBytes;
    private final Duration rollInterval;
    private final Path hmacKeyFile;
    private final Clock clock;
    private final Opener opener;

    // Only the output worker thread.
    private boolean started;
    private byte[] hmacKey;
    private Manifest manifest;
    private OpenFile current;
    /** A file entered in the manifest whose rename failed: renamed before anything else is written. */
    private OpenFile entered;

    /** The file being written. */
    private static final class OpenFile {
        final Path path;
        final String closedName;
        final long number;
        final long firstSeq;
        final Instant openedAt;
        final FileChannel channel;
        MessageDigest digest = ManifestEntry.newDigest();
        long size;
        long lastSeq;
        long records;

        OpenFile(Path path, String closedName, long number, long firstSeq, Instant openedAt, FileChannel channel) {
            this.path = path;
            this.closedName = closedName;
            this.number = number;
            this.firstSeq = firstSeq;
            this.openedAt = openedAt;
            this.channel = channel;
        }
    }

    public ArchiveSink(ArchiveOutputConfig config, Clock clock) {
        this(config, clock, p -> FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), DurableFiles.ownerOnlyFile()));
    }

    ArchiveSink(ArchiveOutputConfig config, Clock clock, Opener opener) {
        this.dir = config.path();
        this.frames = Frames.of(config.compression());
        this.rollBytes = config.rollSize().bytes();
        this.rollInterval = config.rollInterval();
        this.hmacKeyFile = config.hmacKeyFile();
        this.clock = clock;
        this.opener = opener;
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        try {
            if (!started) {
                start();
            }
            finishRename();
            if (batch.length() == 0) {
                return CompletableFuture.completedFuture(Outcome.DELIVERED); // nothing to write (codec: line)
            }
            Frames.Frame frame = frames.encode(batch.bytes(), batch.length());
            Instant now = clock.instant();
            if (current != null && current.size > 0 && (current.size + frame.length() > rollBytes
                    || !now.isBefore(current.openedAt.plus(rollInterval)))) {
                closeCurrent();
            }
            if (current == null) {
                openNew(batch.firstSeq(), now);
            }
            write(frame);
            current.lastSeq = batch.lastSeq();
            current.records += batch.records();
            return CompletableFuture.completedFuture(Outcome.DELIVERED);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(new Outcome.Retryable(Outcome.ErrorKind.UNREACHABLE,
                    "archive " + dir + ": " + e, null));
        }
    }

    /** Opens the manifest, reads the key and closes what a crash (or a failed write) left open. */
    private void start() throws IOException {
        DurableFiles.ownerOnlyDirectory(dir);
        if (hmacKey == null && hmacKeyFile != null) {
            hmacKey = HmacKey.read(hmacKeyFile);
            HmacKey.permissionWarning(hmacKeyFile).ifPresent(log::warn);
        }
        if (manifest == null) {
            manifest = Manifest.open(dir);
        }
        for (Path open : openFiles()) {
            recover(open);
        }
        started = true;
    }

    private List<Path> openFiles() throws IOException {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> ArchiveNames.parse(p.getFileName().toString()).map(ArchiveNames.Parsed::open)
                    .orElse(false)).sorted().forEach(open::add);
        }
        return open;
    }

    /** Cuts an open file back to its complete frames, enters it in the manifest and closes it (or deletes it empty). */
    private void recover(Path open) throws IOException {
        ArchiveNames.Parsed name = ArchiveNames.parse(open.getFileName().toString()).orElseThrow();
        Path closed = dir.resolve(name.closedName());
        if (name.closedName().equals(manifest.lastFile())) {
            rename(open, closed); // entered before a crash cut its rename short
            return;
        }
        long size;
        long keep;
        try (FileChannel ch = FileChannel.open(open, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            size = ch.size();
            keep = Frames.ofSuffix(name.suffix()).completePrefix(ch, size); // its own, if the config changed
            if (keep < size) {
                log.warn("archive file {}: cutting {} bytes after its last complete frame (a write cut short;"
                        + " it is sent again)", open, size - keep);
                ch.truncate(keep);
                ch.force(true);
            }
        }
        if (keep == 0) {
            Files.delete(open);
            DurableFiles.fsyncDirectory(dir);
            return;
        }
        manifest.append(new ManifestEntry(manifest.nextNumber(), name.closedName(), keep,
                ManifestEntry.sha256Of(open), name.firstSeq(), null, null, clock.instant(),
                manifest.lastHash()), hmacKey);
        rename(open, closed);
        log.info("archive file {} left open by the previous run: closed and entered in the manifest", closed);
    }

    private void openNew(long firstSeq, Instant now) throws IOException {
        long number = manifest.nextNumber();
        String closedName = ArchiveNames.closed(firstSeq, number, frames.suffix());
        Path path = dir.resolve(closedName + ArchiveNames.OPEN_SUFFIX);
        FileChannel ch = opener.open(path);
        current = new OpenFile(path, closedName, number, firstSeq, now, ch);
        DurableFiles.fsyncDirectory(dir);
    }

    /** Appends one frame and fsyncs it; on a failure the file is cut back to the frame before. */
    private void write(Frames.Frame frame) throws IOException {
        OpenFile f = current;
        MessageDigest before = copy(f.digest);
        try {
            ByteBuffer buf = ByteBuffer.wrap(frame.bytes(), 0, frame.length());
            while (buf.hasRemaining()) {
                f.channel.write(buf, f.size + buf.position());
            }
            f.channel.force(false);
        } catch (IOException e) {
            try {
                f.channel.truncate(f.size);
                f.channel.force(false);
            } catch (IOException cut) {
                // cannot cut back here: close it; the next attempt recovers it like a crash would
                closeQuietly(f.channel);
                current = null;
                started = false;
            }
            throw e;
        }
        before.update(frame.bytes(), 0, frame.length());
        f.digest = before;
        f.size += frame.length();
    }

    /** Enters the current file in the manifest, then renames it to its closed name. */
    private void closeCurrent() throws IOException {
        OpenFile f = current;
        f.channel.force(true);
        manifest.append(new ManifestEntry(f.number, f.closedName, f.size, hexOf(f.digest),
                f.firstSeq, f.lastSeq, f.records, clock.instant(), manifest.lastHash()), hmacKey);
        closeQuietly(f.channel);
        current = null;
        entered = f;
        finishRename();
    }

    /** The hex digest so far, leaving {@code d} as it is (a failed manifest append is retried with it). */
    private static String hexOf(MessageDigest d) {
        return HexFormat.of().formatHex(copy(d).digest());
    }

    private static MessageDigest copy(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private void finishRename() throws IOException {
        if (entered != null) {
            rename(entered.path, dir.resolve(entered.closedName));
            entered = null;
        }
    }

    private void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDirectory(dir);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // every delivered frame was forced already
        }
    }

    @Override
    public String destination() {
        return dir.toString();
    }

    /** Closes the file being written and enters it in the manifest; what fails here is done at the next start. */
    @Override
    public void close() {
        try {
            if (current != null && current.size > 0) {
                closeCurrent();
            }
            finishRename();
        } catch (IOException | RuntimeException e) {
            log.warn("archive {}: the open file stays open and is closed at the next start: {}", dir, e.toString());
        }
        if (current != null) {
            closeQuietly(current.channel);
            current = null;
        }
        if (manifest != null) {
            manifest.close();
            manifest = null;
        }
        frames.release();
        started = false;
    }
}
