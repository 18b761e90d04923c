package dev.gapless.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test, for what a full or nearly full file system does. Needs root (CI runs as
 * root); elsewhere the test is skipped, never failed.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path path;

    private Tmpfs(Path path) {
        this.path = path;
    }

    /** Mounts a tmpfs of {@code size} (e.g. {@code 96m}) at {@code under/fs}, or skips the test. */
    public static Tmpfs mount(Path under, String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root (CI runs as root); skipped");
        Path m = Files.createDirectories(under.resolve("fs"));
        int rc = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", m.toString());
        Assumptions.assumeTrue(rc == 0, "mount -t tmpfs failed (exit " + rc + "): no permission in this container?");
        return new Tmpfs(m);
    }

    public Path path() {
        return path;
    }

    /** Unmounts; Chronicle unmaps asynchronously, so a busy mount is detached now, freed when its last mapping goes. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", path.toString()) != 0) {
            run("umount", "-l", path.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) { // bound: mount and umount of a tmpfs take milliseconds
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", command) + ": " + out.trim());
        }
        return p.exitValue();
    }
}
