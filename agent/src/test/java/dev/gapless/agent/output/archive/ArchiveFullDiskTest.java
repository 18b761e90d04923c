package dev.gapless.agent.output.archive;

import static dev.gapless.agent.output.archive.ArchiveFixtures.config;
import static dev.gapless.agent.output.archive.ArchiveFixtures.dataFiles;
import static dev.gapless.agent.output.archive.ArchiveFixtures.decodedLines;
import static dev.gapless.agent.output.archive.ArchiveFixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.agent.Tmpfs;
import dev.gapless.agent.output.Outcome;
import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real full file system (a small tmpfs; needs root, else skipped): the write fails, is cut back, and is retried. */
class ArchiveFullDiskTest {

    @TempDir
    Path tmp;

    private Tmpfs tmpfs;
    private ArchiveSink sink;

    @AfterEach
    void unmount() throws Exception {
        if (sink != null) {
            sink.close();
        }
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    @Test
    void aFullFileSystemFailsTheWriteRetryablyAndLeavesNoHalfFrame() throws Exception {
        tmpfs = Tmpfs.mount(tmp, "1m");
        Path dir = tmpfs.path().resolve("vault");
        sink = new ArchiveSink(config(dir, Compression.GZIP), Clock.systemUTC());
        assertThat(sink.send(lines(1, "before")).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(Outcome.DELIVERED);
        Path open = dataFiles(dir).get(0);
        long before = Files.size(open);
        Path filler = tmpfs.path().resolve("filler");
        fill(filler);

        String[] big = new String[2000]; // ~100 KiB that gzip cannot shrink much: more than is free
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < big.length; i++) {
            big[i] = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())
                    + Long.toHexString(random.nextLong());
        }
        Outcome full = sink.send(lines(2, big)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(full).isInstanceOf(Outcome.Retryable.class);
        assertThat(((Outcome.Retryable) full).message()).contains("No space left on device");
        assertThat(Files.size(open)).as("cut back to the frame before").isEqualTo(before);

        Files.delete(filler);
        assertThat(sink.send(lines(2, big)).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(Outcome.DELIVERED);
        List<String> expected = new ArrayList<>(List.of("before"));
        expected.addAll(List.of(big));
        assertThat(decodedLines(dir, Compression.GZIP)).containsExactlyElementsOf(expected);
    }

    /** Writes until the file system is full (bounded by its size). */
    private static void fill(Path filler) {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            return;
        }
        throw new AssertionError("a 1m tmpfs did not fill with 4 MiB");
    }
}
