package dev.gapless.watchdog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.config.GaplessConfig;
import dev.gapless.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The files under {@code <data_dir>/run} the agent and the watchdog share (docs/architecture.md):
 * the agent writes {@code agent.pid} and {@code listeners.json}; the watchdog writes
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

    /** Writes {@code watchdog-listeners.json} atomically (temp file, rename). */
    public void writeWatchdogListeners(HostPort admin) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve("watchdog-listeners.json.tmp");
        Files.writeString(tmp, JSON.writeValueAsString(Map.of("admin", admin.toString())) + "\n");
        Files.move(tmp, runDir.resolve("watchdog-listeners.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static String read(Path p) throws IOException {
        if (!Files.isRegularFile(p) || Files.size(p) > MAX_RUN_FILE_BYTES) {
            return null;
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
