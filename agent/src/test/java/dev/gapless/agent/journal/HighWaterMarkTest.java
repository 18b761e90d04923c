package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWaterMarkTest {

    private static final long SEQ = 0x0102030405060708L;

    @TempDir
    Path dir;

    @Test
    void aNewMarkIsTheGoldenBytes() throws Exception {
        try (HighWaterMark mark = HighWaterMark.open(dir, SEQ, true)) {
            assertThat(mark.value()).isEqualTo(SEQ);
        }
        byte[] file = Files.readAllBytes(dir.resolve(HighWaterMark.FILE_NAME));
        byte[] golden = GoldenFormatTest.golden("highwater-v1.hex");
        assertThat(file).hasSize(HighWaterMark.FILE_BYTES);
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(file, golden.length)))
                .isEqualTo(HexFormat.of().formatHex(golden));
        assertThat(Arrays.copyOfRange(file, golden.length, file.length)).containsOnly((byte) 0);
        assertThat(Files.getPosixFilePermissions(dir.resolve(HighWaterMark.FILE_NAME)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void goldenMarkReadsBack() throws Exception {
        byte[] file = new byte[HighWaterMark.FILE_BYTES];
        byte[] golden = GoldenFormatTest.golden("highwater-v1.hex");
        System.arraycopy(golden, 0, file, 0, golden.length);
        Files.write(dir.resolve(HighWaterMark.FILE_NAME), file);
        assertThat(HighWaterMark.read(dir)).isEqualTo(SEQ);
    }

    @Test
    void movesAlternateBetweenTheSlotsAndTheHigherWholeSlotWins() throws Exception {
        try (HighWaterMark mark = HighWaterMark.open(dir, 10, true)) {
            mark.advance(20); // slot 1
            mark.advance(30); // slot 0
            mark.advance(25); // lower: no write
            assertThat(mark.value()).isEqualTo(30);
        }
        Path file = dir.resolve(HighWaterMark.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(HighWaterMark.decodeSlot(bytes, 0)).isEqualTo(30);
        assertThat(HighWaterMark.decodeSlot(bytes, HighWaterMark.SLOT_BYTES)).isEqualTo(20);
        assertThat(HighWaterMark.read(dir)).isEqualTo(30);

        // A write torn by a power loss spoils the slot it went to: the other one still bounds the head.
        scribble(file, 12, 4);
        assertThat(HighWaterMark.read(dir)).isEqualTo(20);
        try (HighWaterMark mark = HighWaterMark.open(dir, 0, true)) {
            assertThat(mark.value()).isEqualTo(20);
            mark.advance(40); // goes to the damaged slot, so the whole one survives this write
        }
        bytes = Files.readAllBytes(file);
        assertThat(HighWaterMark.decodeSlot(bytes, 0)).isEqualTo(40);
        assertThat(HighWaterMark.decodeSlot(bytes, HighWaterMark.SLOT_BYTES)).isEqualTo(20);
    }

    @Test
    void aMarkWithNoWholeSlotReadsAsNone() throws Exception {
        Files.write(dir.resolve(HighWaterMark.FILE_NAME), new byte[] {1, 2, 3});
        assertThat(HighWaterMark.read(dir)).isZero();
        assertThat(HighWaterMark.read(dir.resolve("missing"))).isZero();
    }

    @Test
    void openingRaisesTheMarkToTheRecoveredHead() throws Exception {
        try (HighWaterMark mark = HighWaterMark.open(dir, 5, false)) {
            assertThat(mark.value()).isEqualTo(5);
        }
        try (HighWaterMark mark = HighWaterMark.open(dir, 3, false)) {
            assertThat(mark.value()).as("never lowered").isEqualTo(5);
        }
        try (HighWaterMark mark = HighWaterMark.open(dir, 9, false)) {
            assertThat(mark.value()).isEqualTo(9);
        }
        assertThat(HighWaterMark.read(dir)).isEqualTo(9);
    }

    private static void scribble(Path file, long at, int count) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[count];
            Arrays.fill(junk, (byte) 0x5A);
            ch.write(ByteBuffer.wrap(junk), at);
        }
    }
}
