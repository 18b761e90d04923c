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

    /**
     * The agent's persistent id: made once, kept in {@code agent_id}, with a copy in {@code agent.lock} (written
     * at every start, after the lock is taken). An {@code agent_id} deleted or unreadable is written again from
     * that copy, so the agent keeps its identity and an audit sees one agent; without a copy a new id is made.
     * Either is a WARN naming the old and the new id; only a data_dir with no state yet gets a new id quietly.
     * Call after {@link #open()}.
     */
    UUID agentId() throws IOException {
        Path file = root.resolve("agent_id");
        UUID copy = lockCopy();
        String problem;
        String old;
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            UUID id = uuid(text);
            if (id != null) {
                keepCopy(id);
                return id;
            }
            problem = "does not hold a UUID";
            old = copy != null ? copy.toString() : "'" + printable(text) + "' (unreadable)";
        } catch (NoSuchFileException e) {
            problem = "was deleted";
            old = copy != null ? copy.toString() : "unknown";
        }
        UUID id = copy != null ? copy : UUID.randomUUID();
        DurableFiles.replace(file, ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)), true);
        keepCopy(id);
        if (copy == null && problem.equals("was deleted") && !holdsState()) {
            log.info("new agent_id {} in {}", id, file);
        } else if (copy != null) {
            log.warn("{} {}: rewrote it with the agent's id {} from agent.lock (old id {}, new id {})", file, problem,
                    id, old, id);
        } else {
            log.warn("{} {} and agent.lock holds no copy: made a new agent_id (old id {}, new id {}); an audit sees"
                    + " a new agent from here, its first seqs as missing", file, problem, old, id);
        }
        return id;
    }

    /** A UUID in its canonical form only ({@code UUID.fromString} also takes "1-2-3-4-5"), else null. */
    private static UUID uuid(String text) {
        try {
            UUID id = UUID.fromString(text);
            return id.toString().equalsIgnoreCase(text) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The id {@code agent.lock} holds, or null. */
    private UUID lockCopy() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        lockChannel.read(b, 0);
        return uuid(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip());
    }

    private void keepCopy(UUID id) throws IOException {
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    }

    /** Whether an earlier run left a journal or cursors: then a missing agent_id is not a first start. */
    private boolean holdsState() throws IOException {
        for (Path dir : new Path[] {journal(), root.resolve("cursors")}) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** At most 64 characters of {@code text}, control characters and U+FFFD shown as '?'. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.codePoints().map(c -> Character.isISOControl(c) || c == 0xFFFD ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
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
