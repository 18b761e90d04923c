package dev.gapless.watchdog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import dev.gapless.watchdog.internal.OwnerOnly;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The files under {@code <data_dir>/run} the agent and the watchdog share (docs/architecture.md):
 * the agent writes {@code agent.pid} and {@code listeners.json}; the watchdog writes {@code watchdog.pid},
 * {@code watchdog-listeners.json} and appends the agent's output to {@code agent.out}.
 */
public final class RunFiles {

    /** Files read here are a few hundred bytes; a larger one is not ours and is ignored. */
    private static final long MAX_RUN_FILE_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;

    public RunFiles(Path dataDir) {
        this.runDir = dataDir.resolve("run");
    }

    public Path dir() {
        return runDir;
    }

    public Path agentOut() {
        return runDir.resolve("agent.out");
    }

    public Path agentPidFile() {
        return runDir.resolve("agent.pid");
    }

    /** {@code <data_dir>/agent.lock}: held by the running agent (a second one refuses to start). */
    public Path agentLock() {
        return runDir.getParent().resolve("agent.lock");
    }

    /**
     * Whether an agent holds {@code agent.lock} now. Tested by taking the lock and letting it go at once (the
     * agent locks with {@code FileChannel.tryLock} too, so both see the same lock); only the watchdog starts agents,
     * so nobody else is racing for it in that instant.
     */
    public boolean agentLockHeld() {
        try (FileChannel ch = FileChannel.open(agentLock(), StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            return true; // cannot tell: assume an agent, so none is started on top of it
        }
    }

    /** Removes {@code agent.pid} and {@code listeners.json} left by an agent that is gone (killed: no cleanup). */
    public void clearStaleAgentFiles() throws IOException {
        Files.deleteIfExists(agentPidFile());
        Files.deleteIfExists(runDir.resolve("listeners.json"));
    }

    /** The pid the agent wrote, when the file exists and holds a number. */
    public OptionalLong agentPid() {
        try {
            String s = read(agentPidFile());
            return s == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException | IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The agent's admin address: {@code listeners.json} "admin" if the agent wrote it, else the configured one. */
    public HostPort agentAdmin(GaplessConfig config) {
        try {
            String s = read(runDir.resolve("listeners.json"));
            if (s != null) {
                JsonNode admin = JSON.readTree(s).get("admin");
                if (admin != null && admin.isTextual()) {
                    return HostPort.parse(admin.asText());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // A half-written or foreign file: fall back to the configured address.
        }
        return config.admin().listen();
    }

    /** Writes {@code watchdog-listeners.json} atomically (temp file, rename), 0600. */
    public void writeWatchdogListeners(HostPort admin) throws IOException {
        OwnerOnly.directories(runDir);
        OwnerOnly.replace(runDir.resolve("watchdog-listeners.json"),
                JSON.writeValueAsString(Map.of("admin", admin.toString())) + "\n");
    }

    /** {@code watchdog.pid}: names the watchdog supervising the agent now, so an agent whose parent died knows it
     * was adopted. */
    public Path watchdogPidFile() {
        return runDir.resolve("watchdog.pid");
    }

    /** Writes this process's pid to {@code watchdog.pid} atomically, 0600 (data_dir and run/ 0700 if made here). */
    public void writeWatchdogPid() throws IOException {
        OwnerOnly.directories(runDir);
        OwnerOnly.replace(watchdogPidFile(), ProcessHandle.current().pid() + "\n");
    }

    /** Removes {@code watchdog.pid} if it still names this process. */
    public void clearWatchdogPid() {
        try {
            String s = read(watchdogPidFile());
            if (s != null && s.trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(watchdogPidFile());
            }
        } catch (IOException e) {
            // a stale file names a dead pid: the agent ignores it
        }
    }

    private static String read(Path p) throws IOException {
        if (!Files.isRegularFile(p) || Files.size(p) > MAX_RUN_FILE_BYTES) {
            return null;
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
