package dev.gapless.watchdog.incident;

import dev.gapless.watchdog.internal.OwnerOnly;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The watchdog's decisions as JSON lines, one per incident, appended and flushed one by one.
 * The folder is created 0700 and the file 0600: observations may quote destination errors.
 * Bounded: past {@link #MAX_BYTES} the file is renamed to {@code <name>.1} (replacing the previous
 * one) and a new file begins, so the journal never holds more than twice that.
 */
public final class IncidentJournal {

    /** Rotation point; at about 1 KiB an incident this is thousands of incidents. */
    public static final long MAX_BYTES = 16L * 1024 * 1024;
    /** {@link #tail} reads at most this much of the file's end. */
    static final int TAIL_BYTES = 256 * 1024;

    private final Path file;
    private final long maxBytes;

    public IncidentJournal(Path file) {
        this(file, MAX_BYTES);
    }

    IncidentJournal(Path file, long maxBytes) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
    }

    public Path file() {
        return file;
    }

    /** The folder thread dumps go to: next to the journal. */
    public Path dir() {
        return file.getParent();
    }

    public synchronized void append(Incident incident) throws IOException {
        OwnerOnly.directories(file.getParent());
        if (Files.exists(file) && Files.size(file) >= maxBytes) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        OwnerOnly.file(file);
        byte[] line = (incident.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(file, line, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** The last {@code n} lines (oldest first); empty when there is no journal yet. */
    public List<String> tail(int n) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            int read = (int) Math.min(len, TAIL_BYTES);
            byte[] buf = new byte[read];
            raf.seek(len - read);
            raf.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            List<String> out = new ArrayList<>();
            // The first line may be cut by the read window unless the window began at the file's start.
            for (int i = lines.length - 1; i >= 0 && out.size() < n; i--) {
                if (!lines[i].isBlank() && (i > 0 || read == len)) {
                    out.add(lines[i]);
                }
            }
            Collections.reverse(out);
            return out;
        }
    }
}
