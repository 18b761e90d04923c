package dev.gapless.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code bin/gapless} process from the built distribution (agent or watchdog), its output in a log
 * file. {@link #close()} kills it and every process it started, so no test leaves an orphan.
 */
public final class GaplessProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final Path dataDir;

    private GaplessProcess(Process process, Path log, Path dataDir) {
        this.process = process;
        this.log = log;
        this.dataDir = dataDir;
    }

    /** The distribution built by {@code mvn package} ({@code packaging/target/gapless}). */
    public static Path home() {
        String home = System.getProperty("gapless.home");
        if (home == null) {
            throw new IllegalStateException("system property gapless.home is not set (run through Failsafe)");
        }
        return Path.of(home);
    }

    /**
     * Starts {@code bin/gapless <args>} with extra environment variables.
     *
     * @param dataDir the config's data_dir, where run files appear
     */
    public static GaplessProcess start(Path dataDir, Path log, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home().resolve("bin/gapless").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().remove("GAPLESS_FAILPOINTS");
        pb.environment().putAll(env);
        return new GaplessProcess(pb.start(), log, dataDir);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Waits until the agent wrote its listeners file and answers /health. */
    public GaplessProcess awaitAgentUp(Duration timeout) {
        Await.until("agent /health answers (log: " + log + ")", timeout, () -> health() != null);
        return this;
    }

    /** The admin address from {@code run/listeners.json}, or null while not written. */
    public String adminAddress() {
        return listener("admin");
    }

    /** An input's bound address from {@code run/listeners.json}, or null. */
    public String inputAddress(String id) {
        try {
            JsonNode n = JSON.readTree(dataDir.resolve("run/listeners.json").toFile());
            return n.path("inputs").path(id).asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private String listener(String key) {
        try {
            return JSON.readTree(dataDir.resolve("run/listeners.json").toFile()).path(key).asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** GET {@code path} on the admin endpoint (5 s timeout); the agent must be up. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + adminAddress() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /health, or null if it does not answer within 2 s. */
    public JsonNode health() {
        String admin = adminAddress();
        if (admin == null) {
            return null;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code kill -9}: no shutdown hook, no flush. */
    public void kill9() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, and wait for a graceful exit. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + pid() + " did not stop within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
