package dev.gapless.agent.input.journald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaldCheckpointTest {

    @TempDir
    Path dir;

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = JournaldCheckpointTest.class.getResourceAsStream("/golden/" + name)) {
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
    void goldenBytesV1() throws IOException {
        Path file = dir.resolve("system.checkpoint");
        JournaldCheckpoint.Position p = new JournaldCheckpoint.Position("s=6868e78e;i=2a");
        new JournaldCheckpoint(file, true).save(p);
        assertThat(HexFormat.of().formatHex(Files.readAllBytes(file)))
                .isEqualTo(HexFormat.of().formatHex(golden("journald-checkpoint-v1.hex")));
        assertThat(new JournaldCheckpoint(file, true).load()).isEqualTo(p);
    }

    @Test
    void fromTheBeginningRoundTripsAndNoFileIsNull() throws IOException {
        Path file = dir.resolve("system.checkpoint");
        assertThat(new JournaldCheckpoint(file, false).load()).isNull();
        new JournaldCheckpoint(file, false).save(JournaldCheckpoint.Position.BEGINNING);
        assertThat(new JournaldCheckpoint(file, false).load()).isEqualTo(JournaldCheckpoint.Position.BEGINNING);
    }

    @Test
    void aDamagedFileIsAClearError() throws IOException {
        byte[] bytes = golden("journald-checkpoint-v1.hex");
        bytes[14] ^= 1;
        assertThatThrownBy(() -> JournaldCheckpoint.decode(bytes, "x")).isInstanceOf(IOException.class)
                .hasMessage("checkpoint x fails its CRC32C check");
        assertThatThrownBy(() -> JournaldCheckpoint.decode(new byte[] {1, 2, 3}, "x"))
                .hasMessage("checkpoint x is not a journald checkpoint (v1)");
    }
}
