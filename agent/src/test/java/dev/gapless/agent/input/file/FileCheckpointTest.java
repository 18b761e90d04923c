package dev.gapless.agent.input.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the bytes of the persisted file checkpoint (format v1). */
class FileCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void goldenBytes() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        new FileCheckpoint(file, true).save(new FileCheckpoint.Position(0x0102030405060708L, 4096, true));
        String hex = HexFormat.of().formatHex(Files.readAllBytes(file));
        assertThat(hex.substring(0, 48)).isEqualTo("474c4643" + "01" + "01" + "0000" + "0807060504030201"
                + "0010000000000000");
        assertThat(hex).hasSize(56);
        assertThat(new FileCheckpoint(file, true).load())
                .isEqualTo(new FileCheckpoint.Position(0x0102030405060708L, 4096, true));
    }

    @Test
    void fileWithoutTheFlagByteReadsAsNotDiscarding() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        new FileCheckpoint(file, false).save(new FileCheckpoint.Position(7, 9, false));
        assertThat(Files.readAllBytes(file)[5]).isZero();
        assertThat(new FileCheckpoint(file, false).load()).isEqualTo(new FileCheckpoint.Position(7, 9, false));
    }

    @Test
    void damageIsAnErrorNeverAPosition() throws IOException {
        Path file = dir.resolve("app.checkpoint");
        FileCheckpoint cp = new FileCheckpoint(file, false);
        assertThat(cp.load()).isNull();
        cp.save(new FileCheckpoint.Position(7, 9, false));
        byte[] b = Files.readAllBytes(file);
        b[16] ^= 1;
        Files.write(file, b);
        assertThatThrownBy(cp::load).isInstanceOf(IOException.class).hasMessageContaining("CRC32C");
    }
}
