package dev.gapless.watchdog.supervisor;

import dev.gapless.watchdog.RunFiles;
import dev.gapless.watchdog.internal.OwnerOnly;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as the watchdog's child process. Its stdin is a pipe the watchdog holds and never
 * writes: when the watchdog dies the pipe closes and an agent started with {@code --exit-with-parent}
 * exits, so there are never two agents. Its stdout and stderr are appended to {@code run/agent.out}
 * (a file, never a pipe that could fill and block the agent).
 *
 * <p>A watchdog that restarts finds the agent its predecessor started (its stdin is no longer ours)
 * and adopts it instead of starting a second: supervised by pid from then on.
 */
public final class ChildSupervisor implements Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(ChildSupervisor.class);

    /** How often a held agent.lock is looked at again while waiting for the agent that holds it to exit. */
    static final long LOCK_POLL_MS = 20;

    private final List<String> command;
    private final RunFiles run;
    private final Duration stopTimeout;
    private final LongPredicate healthSaysPid;

    // Guarded by this.
    private ProcessHandle agent;
    private OutputStream stdin;
    private boolean adopted;

    /**
     * @param healthSaysPid whether the agent's /health answers with this pid (used to adopt a running agent)
     */
    public ChildSupervisor(List<String> command, RunFiles run, Duration stopTimeout, LongPredicate healthSaysPid) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty agent command");
        }
        this.command = List.copyOf(command);
        this.run = run;
        this.stopTimeout = stopTimeout;
        this.healthSaysPid = healthSaysPid;
    }

    @Override
    public synchronized void start() throws IOException {
        Optional<ProcessHandle> running = findRunning();
        if (running.isPresent()) {
            agent = running.get();
            adopted = true;
            LOG.info("adopted the running agent pid {}", agent.pid());
            return;
        }
        launch();
    }

    /**
     * The agent named by run/agent.pid, if alive and it is the agent (its /health says so, or its command is gapless).
     */
    private Optional<ProcessHandle> findRunning() {
        OptionalLong pid = run.agentPid();
        if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        if (healthSaysPid.test(pid.getAsLong())) {
            return h;
        }
        // A wedged agent does not answer /health, yet holds agent.lock: a second one could not start.
        // Adopt it when its command line names gapless; the policy then judges (and restarts) it.
        boolean looksLikeAgent = h.get().info().commandLine().map(c -> c.contains("gapless")).orElse(false);
        return looksLikeAgent ? h : Optional.empty();
    }

    private void launch() throws IOException {
        OwnerOnly.directories(run.dir());
        awaitLockFree();
        // Whatever agent wrote these is gone: probing its stale admin address, or adopting a recycled pid, would
        // mislead the next probes until the new agent writes its own.
        run.clearStaleAgentFiles();
        OwnerOnly.file(run.agentOut()); // 0600 before the redirect creates it with the umask's mode
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(run.agentOut().toFile()))
                .redirectErrorStream(true);
        Process p = pb.start();
        agent = p.toHandle();
        stdin = p.getOutputStream(); // held open, never written: its EOF tells the agent we are gone
        adopted = false;
        LOG.info("started the agent pid {}: {}", p.pid(), String.join(" ", command));
    }

    /**
     * An agent that is going away (its watchdog died and closed its stdin; or killed, its lock not yet let go)
     * still holds agent.lock: a new agent started now would refuse to start. Wait for it, up to stop_timeout;
     * past that, start anyway (the new agent's refusal is then seen as a crash and retried with backoff).
     */
    private void awaitLockFree() {
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        if (!run.agentLockHeld()) {
            return;
        }
        LOG.info("an agent still holds {}: waiting up to {} ms for it to exit", run.agentLock(),
                stopTimeout.toMillis());
        while (run.agentLockHeld()) {
            if (System.nanoTime() > deadline) {
                LOG.warn("{} still held after {} ms: starting the agent anyway", run.agentLock(),
                        stopTimeout.toMillis());
                return;
            }
            try {
                Thread.sleep(LOCK_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized boolean alive() {
        return agent != null && agent.isAlive();
    }

    @Override
    public synchronized OptionalLong pid() {
        return agent == null ? OptionalLong.empty() : OptionalLong.of(agent.pid());
    }

    /** Whether the agent now supervised was adopted from a previous watchdog. */
    public synchronized boolean adopted() {
        return adopted;
    }

    @Override
    public synchronized String restart(Stop how) throws IOException {
        String stopped = stopAgent(how);
        launch();
        return stopped + "; started pid " + agent.pid();
    }

    private String stopAgent(Stop how) {
        String result = agent == null ? "no agent" : ProcessStopper.stop(agent, how, stopTimeout);
        closeStdin();
        return result;
    }

    private void closeStdin() {
        if (stdin != null) {
            try {
                stdin.close();
            } catch (IOException e) {
                // The pipe is already broken: the child is gone.
            }
            stdin = null;
        }
    }

    @Override
    public synchronized void close() {
        if (agent != null && agent.isAlive()) {
            LOG.info("stopping the agent pid {}: {}", agent.pid(), stopAgent(Stop.GRACEFUL));
        } else {
            closeStdin();
        }
    }
}
