package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.openhft.chronicle.core.OS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DontNeedTest {

    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final int PAGE = 4096;
    private static final int PAGES = 256;

    @TempDir
    Path dir;

    @Test
    void unmapsTheWrittenPagesOfASharedFileMappingAndTheDataReadsBack() throws IOException {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux's /proc/self/smaps");
        assertThat(DontNeed.available()).as("the JDK's madvise, with java.nio opened as the launcher does").isTrue();
        Path file = dir.resolve("mapped");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) PAGES * PAGE);
            for (int p = 0; p < PAGES; p++) {
                map.putInt(p * PAGE, p + 1);
            }
            long address = OS.memory().address(map);
            assertThat(address % PAGE).isZero();
            assertThat(residentKib(address)).as("resident KiB of the mapping once written").isEqualTo(PAGES * 4L);

            DontNeed.pages(address, (long) PAGES * PAGE);

            assertThat(residentKib(address)).as("resident KiB after MADV_DONTNEED").isZero();
            for (int p = 0; p < PAGES; p++) {
                assertThat(map.getInt(p * PAGE)).as("page %d, faulted back from the page cache", p).isEqualTo(p + 1);
            }
            map.force();
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertThat(onDisk[PAGE * (PAGES - 1) + 3]).isEqualTo((byte) PAGES); // big-endian int PAGES at the last page
    }

    @Test
    void aMisalignedRangeIsAClearError() throws IOException {
        assumeTrue(DontNeed.available(), "the JDK's madvise");
        try (FileChannel ch = FileChannel.open(dir.resolve("m"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4L * PAGE);
            long address = OS.memory().address(map);
            assertThatThrownBy(() -> DontNeed.pages(address + 1, PAGE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("madvise(MADV_DONTNEED) failed");
            map.putInt(0, 7);
            assertThat(map.getInt(0)).isEqualTo(7); // the mapping is untouched
        }
    }

    /** The Rss of the mapping that starts at {@code address}, from /proc/self/smaps. */
    private static long residentKib(long address) throws IOException {
        List<String> lines = Files.readAllLines(SMAPS);
        String start = Long.toHexString(address) + "-";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                for (int j = i + 1; j < lines.size() && !lines.get(j).matches("^[0-9a-f]+-[0-9a-f]+ .*"); j++) {
                    if (lines.get(j).startsWith("Rss:")) {
                        return Long.parseLong(lines.get(j).replaceAll("[^0-9]", ""));
                    }
                }
            }
        }
        throw new AssertionError("no mapping at " + start + " in " + SMAPS);
    }
}
