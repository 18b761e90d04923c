package dev.gapless.watchdog.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and directories the watchdog creates under {@code data_dir}: owner-only (0600 files, 0700
 * directories) from the moment they exist, whatever the caller's umask, since they hold what the agent's
 * files hold (the agent's output, thread dumps with its memory's strings). The mode is given at creation,
 * never fixed afterwards, so no other user can open a file in between. Existing files and directories keep
 * their mode: an operator who loosened one meant it. The agent's own {@code DurableFiles} does the same on
 * its side; the watchdog does not load agent code.
 */
public final class OwnerOnly {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and its missing parents, each 0700. */
    public static Path directories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attrs("rwx------"));
        }
        return dir;
    }

    /** Creates {@code file} empty and 0600 unless it exists. */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file, attrs("rw-------"));
        } catch (FileAlreadyExistsException existing) {
            // kept as it is, content and mode
        }
        return file;
    }

    /** Replaces {@code target} with {@code text} atomically: a fresh 0600 temp file, renamed over it. */
    public static void replace(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a crash, with whatever mode it had
        Files.createFile(tmp, attrs("rw-------"));
        Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static FileAttribute<?>[] attrs(String perms) {
        return POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new FileAttribute<?>[0];
    }
}
