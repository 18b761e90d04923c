package dev.gapless.agent.output.elasticsearch;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OpenSearch node (module {@code testing/opensearch-node}) as a child JVM on its own class path, which that
 * module's build wrote into its classes: OpenSearch's Netty 4.1 and Jackson never meet the agent's. The node keeps
 * its data in {@code home}, so {@link #start} after {@link #stop} with the port it had serves the same documents.
 */
final class OpenSearchProcess implements AutoCloseable {

    private static final String PACKAGE = "dev/gapless/testing/opensearch/";
    private static final String MAIN = "dev.gapless.testing.opensearch.OpenSearchNode";
    private static final Pattern PORT = Pattern.compile("HTTP_PORT=(\\d+)");
    /** Start to serving takes 2–3 s on an idle machine; a loaded CI machine gets ample room. */
    private static final long START_TIMEOUT_MS = 180_000;
    /** SIGTERM stops it in 0.2–1.8 s; past this it is killed. */
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final Path home;
    private final String classPath;
    private Process process;
    private int port;

    OpenSearchProcess(Path home) throws IOException {
        this.home = home;
        URL listing = OpenSearchProcess.class.getClassLoader().getResource(PACKAGE + "classpath.txt");
        if (listing == null) {
            throw new IllegalStateException("module testing/opensearch-node is not built: build the agent with -am");
        }
        String own = codeSource(listing);
        String deps;
        try (var in = listing.openStream()) {
            deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        this.classPath = own + java.io.File.pathSeparator + deps;
    }

    /** The class-path entry (a folder or a jar) that holds the resource. */
    private static String codeSource(URL resource) {
        String s = resource.toString();
        try {
            if (s.startsWith("jar:")) {
                return Path.of(new URI(s.substring(4, s.indexOf("!/")))).toString();
            }
            Path file = Path.of(resource.toURI());
            for (int i = 0; i < PACKAGE.split("/").length + 1; i++) {
                file = file.getParent();
            }
            return file.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the node and waits until it serves HTTP.
     *
     * @param httpPort 0 for a port from the OS; the port it had, to start it again
     * @return the HTTP port
     */
    int start(int httpPort) throws IOException, InterruptedException {
        Path log = home.resolve("node-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + PACKAGE + "log4j2.properties", "-cp", classPath, MAIN,
                home.toString(), String.valueOf(httpPort)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = PORT.matcher(out);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return port;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the OpenSearch node exited (" + process.exitValue() + "):\n"
                        + tail(out));
            }
            Thread.sleep(50); // polling the node's log for its port line, within the deadline
        }
        stop();
        throw new IllegalStateException("the OpenSearch node did not serve HTTP within " + START_TIMEOUT_MS + " ms");
    }

    int port() {
        return port;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** SIGTERM, then SIGKILL after the timeout. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        process = null;
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
