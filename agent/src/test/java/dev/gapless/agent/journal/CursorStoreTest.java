package dev.gapless.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CursorStoreTest {

    @TempDir
    Path dir;

    @Test
    void loadsZeroWhenNoCursorWasEverCommitted() throws IOException {
        assertThat(new CursorStore(dir.resolve("out.cursor"), true).load()).isZero();
    }

    @Test
    void resumesFromTheLastCommittedSeq() throws IOException {
        Path file = dir.resolve("out.cursor");
        CursorStore store = new CursorStore(file, true);
        store.commit(41);
        store.commit(1_234_567_890_123L);
        assertThat(new CursorStore(file, true).load()).isEqualTo(1_234_567_890_123L);
    }

    @Test
    void atomicReplaceLeavesNoTempFile() throws IOException {
        CursorStore store = new CursorStore(dir.resolve("out.cursor"), true);
        for (long seq = 1; seq <= 20; seq++) {
            store.commit(seq);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.cursor");
        }
        assertThat(Files.size(dir.resolve("out.cursor"))).isEqualTo(CursorStore.LENGTH);
    }

    @Test
    void laterCommitsRewriteTheSameFileInPlaceAndAFreshStoreCreatesItAnew() throws IOException {
        Path file = dir.resolve("out.cursor");
        try (CursorStore store = new CursorStore(file, true)) {
            store.commit(1);
            Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            for (long seq = 2; seq <= 50; seq++) {
                store.commit(seq);
                assertThat(new CursorStore(file, true).load()).isEqualTo(seq);
            }
            assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        try (CursorStore next = new CursorStore(file, true)) { // a new run: created whole, then in place again
            next.commit(51);
            assertThat(next.load()).isEqualTo(51);
        }
    }

    @Test
    void aCommitAfterAFailedOneCreatesTheFileWholeAgain() throws IOException {
        Path file = dir.resolve("out.cursor");
        try (CursorStore store = new CursorStore(file, true)) {
            store.commit(7);
            store.close(); // as an interrupted write leaves it: closed
            Files.delete(file);
            store.commit(8);
            assertThat(new CursorStore(file, true).load()).isEqualTo(8);
        }
    }

    @Test
    void flippedByteFailsTheChecksumWithAClearMessage() throws IOException {
        Path file = dir.resolve("out.cursor");
        new CursorStore(file, true).commit(77);
        byte[] bytes = Files.readAllBytes(file);
        bytes[9] ^= 0x01; // inside the seq
        Files.write(file, bytes);
        assertThatThrownBy(() -> new CursorStore(file, true).load())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("CRC32C");
    }

    @Test
    void truncatedFileIsReportedNotReadAsZero() throws IOException {
        Path file = dir.resolve("out.cursor");
        new CursorStore(file, true).commit(77);
        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> new CursorStore(file, true).load())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is 0 bytes, expected 24");
    }

    @Test
    void wrongMagicOrVersionIsReported() throws IOException {
        Path file = dir.resolve("out.cursor");
        new CursorStore(file, true).commit(77);
        byte[] good = Files.readAllBytes(file);
        byte[] magic = good.clone();
        magic[0] = 'X';
        Files.write(file, magic);
        assertThatThrownBy(() -> new CursorStore(file, true).load()).hasMessageContaining("does not start with GLCR");
        byte[] version = good.clone();
        version[4] = 2;
        Files.write(file, version);
        assertThatThrownBy(() -> new CursorStore(file, true).load()).hasMessageContaining("unknown version 2");
    }
}
