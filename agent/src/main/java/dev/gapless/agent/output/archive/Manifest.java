package dev.gapless.agent.output.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.agent.internal.DurableFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's side of {@code manifest.ndjson}: appends one line per closed file, fsynced, and remembers what the
 * next line chains to. A line a crash left torn (no newline) was never followed by the file's rename, so it is cut
 * at open and the file is entered again.
 */
final class Manifest implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Manifest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    // Only the output worker thread: the hash of the last line, its file number and file name.
    private String lastHash = ManifestEntry.NO_PREV;
    private long lastNumber;
    private String lastFile;

    private Manifest(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens (or creates) the manifest in {@code dir}, cutting a torn last line. */
    static Manifest open(Path dir) throws IOException {
        Path path = dir.resolve(ArchiveNames.MANIFEST);
        boolean created = !Files.exists(path);
        FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), DurableFiles.ownerOnlyFile());
        Manifest m = new Manifest(path, ch);
        try {
            if (created) {
                DurableFiles.fsyncDirectory(dir);
            }
            long size = ch.size();
            long whole = new PlainFrames().completePrefix(ch, size);
            if (whole < size) {
                log.warn("archive manifest {}: cutting a torn last line of {} bytes (its file is entered again)",
                        path, size - whole);
                ch.truncate(whole);
                ch.force(true);
            }
            m.readLast();
            ch.position(ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return m;
    }

    private void readLast() throws IOException {
        String last = null;
        channel.position(0);
        BufferedReader r = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
        // bounded by the manifest's size: one line per closed file
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.isBlank()) {
                last = line;
            }
        }
        if (last == null) {
            return;
        }
        JsonNode node = JSON.readTree(last);
        if (node == null || !node.path("n").canConvertToLong() || !node.path("file").isTextual()) {
            throw new IOException("archive manifest " + path + ": its last line is not a manifest entry: " + last);
        }
        lastHash = ManifestEntry.hashOf(last);
        lastNumber = node.path("n").asLong();
        lastFile = node.path("file").asText();
    }

    /** The number the next file takes. */
    long nextNumber() {
        return lastNumber + 1;
    }

    /** The name of the last file entered, or null. */
    String lastFile() {
        return lastFile;
    }

    /** The {@code prev} of the next entry. */
    String lastHash() {
        return lastHash;
    }

    /**
     * Appends the entry and fsyncs the manifest; on a failure it is cut back to what it was, so a retry appends
     * the same entry again and never a second copy.
     */
    void append(ManifestEntry entry, byte[] hmacKey) throws IOException {
        String line = entry.line(hmacKey);
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        long before = channel.size();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf, before + buf.position());
            }
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException ignored) {
                // a torn line is cut at the next open
            }
            throw e;
        }
        lastHash = ManifestEntry.hashOf(line);
        lastNumber = entry.number();
        lastFile = entry.file();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every line was forced when appended
        }
    }
}
