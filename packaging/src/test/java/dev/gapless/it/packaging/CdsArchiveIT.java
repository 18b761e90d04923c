package dev.gapless.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive for the agent (AppCDS): a run that stops writes it under a name of its own, the
 * next start takes it in and the JVM maps it; a damaged archive is ignored by the JVM, and one cut short (as a run
 * killed while writing it leaves it, which would kill a JVM that maps it) is never taken in: the agent runs as
 * without one. {@code GAPLESS_CDS=off} makes none.
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
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean mapped(GaplessProcess p, Path archive) throws IOException {
        return Files.readString(Path.of("/proc/" + p.pid() + "/maps")).contains(archive.toString());
    }

    @Test
    void aStoppedRunLeavesAnArchiveTheNextStartMapsAndADamagedOneIsIgnored() throws Exception {
        Path cds = dir.resolve("cds");
        Path out = dir.resolve("out.ndjson");
        Map<String, String> env = Map.of("GAPLESS_CDS_DIR", cds.toString());

        GaplessProcess first = start(env);
        delivers(first, out, "first run");
        long firstPid = first.pid();
        first.stop(UP);
        assertThat(names(cds)).as("written at the exit, under the run's own name")
                .singleElement().asString().matches("agent-[0-9]+\\.jsa\\.tmp\\." + firstPid);
        assertThat(Files.size(cds.resolve(names(cds).get(0)))).isPositive();

        GaplessProcess second = start(env);
        assertThat(names(cds)).singleElement().asString().matches("agent-[0-9]+\\.jsa");
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
                .matches("agent-[0-9]+\\.jsa\\.tmp\\." + cut.pid());
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
