package dev.gapless.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path dir;

    @Test
    void ownerOnlyDirectoryRestrictsWhatItCreatesAndLeavesAnExistingDirectoryAlone() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("log"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));

        DurableFiles.ownerOnlyDirectory(existing);
        Path created = DurableFiles.ownerOnlyDirectory(existing.resolve("a").resolve("b"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing.resolve("a"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
    }
}
