package dev.gapless.agent;

import dev.gapless.agent.internal.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's data directory: its identity, its exclusive lock, and the run files other processes read
 * (pid, bound listeners). Created owner-only (0700); files in it 0600.
 */
final class DataDir implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataDir.class);

    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    DataDir(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path journal() {
        return root.resolve("journal");
    }

    Path cursor(String outputId) {
        return root.resolve("cursors").resolve(outputId + ".cursor");
    }

    Path inputCheckpoint(String inputId) {
        return root.resolve("inputs").resolve(inputId + ".checkpoint");
    }

    Path deadLetter(String outputId) {
        return root.resolve("dead-letter").resolve(outputId + ".ndjson");
    }

    Path run() {
        return root.resolve("run");
    }

    /**
     * Creates the folders and takes the exclusive lock.
     *
     * @throws IllegalStateException if another agent holds the data directory
     */
    void open() throws IOException {
        warnIfWritableByOthers();
        for (Path p : new Path[] {root, journal(), root.resolve("cursors"), root.resolve("inputs"), run()}) {
            DurableFiles.ownerOnlyDirectory(p);
        }
        Path lockFile = root.resolve("agent.lock");
        lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ), DurableFiles.ownerOnlyFile());
        DurableFiles.restrict(lockFile);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            String pid = readPid();
            throw new IllegalStateException("another agent is running on data_dir " + root
                    + (pid == null ? "" : " (pid " + pid + ")") + "; one agent per data_dir");
        }
    }

    /**
     * A data_dir made by the agent is 0700; one that existed is kept as it is, but if every user may write in
     * it another user could replace the journal, a cursor or {@code agent_id}: say so, every start.
     */
    private void warnIfWritableByOthers() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
            if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                log.warn("data_dir {} is writable by every user (mode {}): another user could replace the journal,"
                        + " cursors or agent_id; make it owner-only: chmod 700 {}", root,
                        PosixFilePermissions.toString(perms), root);
            }
        } catch (UnsupportedOperationException notPosix) {
            // no modes to check
        }
    }

    /** The agent's persistent id: made once, kept in {@code agent_id}. */
    UUID agentId() throws IOException {
        Path file = root.resolve("agent_id");
        try {
            return UUID.fromString(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            UUID id = UUID.randomUUID();
            DurableFiles.replace(file, ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)), true);
            return id;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a UUID; restore it or delete it to make a new agent id", e);
        }
    }

    void writePid() throws IOException {
        DurableFiles.replace(run().resolve("agent.pid"),
                ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), false);
    }

    /** Writes {@code run/listeners.json}: the addresses actually bound (useful when a config asked for port 0). */
    void writeListeners(String admin, Map<String, String> inputs) throws IOException {
        String in = inputs.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(","));
        String json = "{\"admin\":\"" + admin + "\",\"inputs\":{" + in + "}}\n";
        DurableFiles.replace(run().resolve("listeners.json"), ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)),
                false);
    }

    private String readPid() {
        try {
            return Files.readString(run().resolve("agent.pid")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (lock == null) {
            // never held the data dir: the run files are another agent's
            closeQuietly();
            return;
        }
        try {
            Files.deleteIfExists(run().resolve("agent.pid"));
            Files.deleteIfExists(run().resolve("listeners.json"));
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // the lock dies with the process anyway
        }
    }

    private void closeQuietly() {
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // nothing was held
        }
    }
}
