package dev.gapless.agent.input.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the bytes of the persisted file checkpoint (format v2) and that v1 files still load. */
class FileCheckpointTest {

    private static final List<FileCheckpoint.Entry> GOLDEN = List.of(
            new FileCheckpoint.Entry(0x1122334455667788L, 1024, 0x801, 12, 4096, false, "/var/log/a.log"),
            new FileCheckpoint.Entry(0x0102030405060708L, 5, 0x801, 13, 7, true, "b"));

    @TempDir
    Path dir;

    /** A golden file: hex digits, whitespace and {@code #} comments to the end of a line ignored. */
    static byte[] golden(String name) throws IOException {
        try (InputStream in = FileCheckpointTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int hash = line.indexOf('#');
                hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    @Test
    void goldenBytesV2() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        new FileCheckpoint(file, true).save(GOLDEN);
        assertThat(HexFormat.of().formatHex(Files.readAllBytes(file)))
                .isEqualTo(HexFormat.of().formatHex(golden("file-checkpoint-v2.hex")));
        assertThat(new FileCheckpoint(file, true).load()).isEqualTo(GOLDEN);
    }

    @Test
    void v1FileStillLoadsAsOneEntryOfUnknownFingerprint() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        Files.write(file, golden("file-checkpoint-v1.hex"));
        assertThat(new FileCheckpoint(file, false).load())
                .containsExactly(new FileCheckpoint.Entry(0, -1, -1, 0x0102030405060708L, 4096, true, ""));
    }

    @Test
    void emptyListRoundTrips() throws IOException {
        FileCheckpoint cp = new FileCheckpoint(dir.resolve("app.checkpoint"), false);
        cp.save(List.of());
        assertThat(cp.load()).isEmpty();
    }

    @Test
    void damageIsAnErrorNeverAPosition() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        FileCheckpoint cp = new FileCheckpoint(file, false);
        assertThat(cp.load()).isNull();
        cp.save(GOLDEN);
        byte[] b = Files.readAllBytes(file);
        b[44] ^= 1;
        Files.write(file, b);
        assertThatThrownBy(cp::load).isInstanceOf(IOException.class).hasMessageContaining("CRC32C");
        Files.write(file, Arrays.copyOf(b, 30));
        assertThatThrownBy(cp::load).isInstanceOf(IOException.class);
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(cp::load).isInstanceOf(IOException.class).hasMessageContaining("not a file checkpoint");
    }
}
