package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gapless.it.support.Await;
import dev.gapless.it.support.GaplessProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive for the agent (AppCDS): a run that stops writes it under a name of its own, the
 * next start takes it in and the JVM maps it; a damaged archive is ignored by the JVM, and one cut short (as a run
 * killed while writing it leaves it, which would kill a JVM that maps it) is never taken in: the agent runs as
 * without one. {@code GAPLESS_CDS=off} makes none. On Java 25 and newer the archive is the JVM's ahead-of-time cache.
 */
class CdsArchiveIT {

    private static final Duration UP = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<GaplessProcess> started = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (GaplessProcess p : started) {
            p.close();
        }
    }

    private Path config() throws IOException {
        Path c = dir.resolve("gapless.yaml");
        Files.writeString(c, String.join("\n",
                "data_dir: " + dir.resolve("data"),
                "admin: { listen: 127.0.0.1:0 }",
                "inputs: [ { id: app, type: tcp, listen: 127.0.0.1:0 } ]",
                "outputs: [ { id: local, type: file, path: " + dir.resolve("out.ndjson") + " } ]",
                ""));
        return c;
    }

    private GaplessProcess start(Map<String, String> env) throws IOException {
        GaplessProcess p = GaplessProcess.start(dir.resolve("data"), dir.resolve("agent.log"), env, "agent",
                "--config", config().toString());
        started.add(p);
        try {
            return p.awaitAgentUp(UP);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + p.logText(), e);
        }
    }

    /** The agent takes a line over TCP and writes it to its file output: it runs, archive or not. */
    private static void delivers(GaplessProcess p, Path out, String line) throws IOException {
        String[] hp = p.inputAddress("app").split(":");
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            OutputStream o = s.getOutputStream();
            o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
        }
        Await.until(line + " in the file output", UP, () -> {
            try {
                return Files.exists(out) && Files.readString(out).contains(line);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static List<String> names(Path cds) throws IOException {
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cds)) {
            // Java 25 keeps its list of what a training run loaded beside the cache it will write, while it runs
            return s.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".config")).sorted().toList();
        }
    }

    private static boolean mapped(GaplessProcess p, Path archive) throws IOException {
        return Files.readString(Path.of("/proc/" + p.pid() + "/maps")).contains(archive.toString());
    }

    @Test
    void aStoppedRunLeavesAnArchiveTheNextStartMapsAndADamagedOneIsIgnored() throws Exception {
        Path cds = dir.resolve("cds");
        lifecycle(Map.of("GAPLESS_CDS_DIR", cds.toString()), cds, "jsa");
    }

    /** On Java 25 and newer the launcher keeps an ahead-of-time cache instead, through the same steps. */
    @Test
    void onJava25TheArchiveIsAnAheadOfTimeCache() throws Exception {
        Optional<Path> home = javaHomeAtLeast(25);
        assumeTrue(home.isPresent(), "no Java 25 or newer under /usr/lib/jvm");
        Path cds = dir.resolve("aot");
        lifecycle(Map.of("GAPLESS_CDS_DIR", cds.toString(), "JAVA_HOME", home.get().toString()), cds, "aot");
        assertThat(Files.readString(dir.resolve("agent.log"))).as("no warning of restricted or deprecated access")
                .doesNotContain("WARNING: A restricted method", "WARNING: A terminally deprecated method");
    }

    /** A runtime under /usr/lib/jvm whose release file names that major version or a newer one. */
    private static Optional<Path> javaHomeAtLeast(int major) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
        try (Stream<Path> s = Files.list(jvms)) {
            for (Path home : s.sorted().toList()) {
                Path release = home.resolve("release");
                if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isReadable(release)) {
                    continue;
                }
                Matcher m = version.matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) >= major) {
                    return Optional.of(home);
                }
            }
        }
        return Optional.empty();
    }

    private void lifecycle(Map<String, String> env, Path cds, String ext) throws Exception {
        Path out = dir.resolve("out.ndjson");
        String name = "agent-[0-9]+\\." + ext;

        GaplessProcess first = start(env);
        delivers(first, out, "first run");
        long firstPid = first.pid();
        first.stop(UP);
        assertThat(names(cds)).as("written at the exit, under the run's own name")
                .singleElement().asString().matches(name + "\\.tmp\\." + firstPid);
        assertThat(Files.size(cds.resolve(names(cds).get(0)))).isPositive();

        GaplessProcess second = start(env);
        assertThat(names(cds)).singleElement().asString().matches(name);
        Path archive = cds.resolve(names(cds).get(0));
        assertThat(mapped(second, archive)).as("the JVM maps the archive").isTrue();
        delivers(second, out, "second run");
        second.stop(UP);

        byte[] good = Files.readAllBytes(archive);
        byte[] garbage = new byte[good.length];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(archive, garbage);
        GaplessProcess damaged = start(env);
        assertThat(mapped(damaged, archive)).as("a damaged archive is not used").isFalse();
        delivers(damaged, out, "damaged archive");
        damaged.stop(UP);

        // As a run killed while writing its archive leaves it: cut short, under that run's name. A JVM that maps
        // it dies of SIGBUS at start, so the launcher must not take it in.
        Files.delete(archive);
        Path killedWhileWriting = cds.resolve(archive.getFileName() + ".tmp." + firstPid);
        Files.write(killedWhileWriting, Arrays.copyOf(good, good.length / 2));
        GaplessProcess cut = start(env);
        assertThat(names(cds)).as("the cut archive is dropped, not taken in").isEmpty();
        delivers(cut, out, "cut archive");
        cut.stop(UP);
        assertThat(names(cds)).as("that run made a whole one again").singleElement().asString()
                .matches(name + "\\.tmp\\." + cut.pid());
    }

    @Test
    void offMakesNoArchive() throws Exception {
        Path cds = dir.resolve("cds-off");
        GaplessProcess p = start(Map.of("GAPLESS_CDS_DIR", cds.toString(), "GAPLESS_CDS", "off"));
        delivers(p, dir.resolve("out.ndjson"), "no archive");
        p.stop(UP);
        assertThat(names(cds)).isEmpty();
    }
}
