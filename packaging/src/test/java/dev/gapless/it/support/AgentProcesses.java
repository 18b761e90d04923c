package dev.gapless.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The gapless processes one test started, found by the test's own config path in their command line (unique per
 * test folder) or by the agent's pid file: so a teardown kills exactly what the test started, agents adopted or
 * restarted by a watchdog included, and nothing else.
 */
public final class AgentProcesses {

    private AgentProcesses() {
    }

    /** Live processes whose command line names {@code config}. */
    public static List<ProcessHandle> started(Path config) {
        String marker = config.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    /** Live agent JVMs (not watchdogs) whose command line names {@code config}. */
    public static List<ProcessHandle> agents(Path config) {
        return started(config).stream()
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.gapless.agent.Main")).orElse(false))
                .toList();
    }

    /**
     * Agents of this config that have {@code <data_dir>/agent.lock} open (Linux: {@code /proc/<pid>/fd}): those that
     * own, or are trying to take, the data_dir. An agent that closed it is on its way out and touches nothing.
     */
    public static List<ProcessHandle> holdingDataDir(Path config, Path dataDir) {
        Path lock = dataDir.resolve("agent.lock").toAbsolutePath();
        return agents(config).stream().filter(p -> {
            try (var fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                return fds.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).equals(lock);
                    } catch (Exception e) {
                        return false; // closed meanwhile
                    }
                });
            } catch (Exception e) {
                return false; // exited meanwhile
            }
        }).toList();
    }

    /** The pid in {@code <data_dir>/run/agent.pid}, if any. */
    public static OptionalLong pidFile(Path dataDir) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(dataDir.resolve("run/agent.pid")).trim()));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    /** SIGKILL to the agent named by the pid file (if it still runs one of ours) and to every process of this test. */
    public static void killAll(Path config, Path dataDir) {
        String marker = config.toAbsolutePath().toString();
        OptionalLong pid = pidFile(dataDir);
        if (pid.isPresent()) {
            ProcessHandle.of(pid.getAsLong())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        for (ProcessHandle p : started(config)) {
            p.destroyForcibly();
        }
        Await.until("every process of " + config + " gone", java.time.Duration.ofSeconds(10),
                () -> started(config).isEmpty());
    }
}
