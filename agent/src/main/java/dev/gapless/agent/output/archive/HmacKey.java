package dev.gapless.agent.output.archive;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The key of a manifest's HMACs: the bytes of a file, one trailing newline removed. The key itself is never logged
 * nor put in an error; only the file's path is.
 */
final class HmacKey {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private HmacKey() {
    }

    static byte[] read(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        int len = key.length;
        if (len > 0 && key[len - 1] == '\n') {
            len--;
            if (len > 0 && key[len - 1] == '\r') {
                len--;
            }
        }
        if (len == 0) {
            throw new IOException("hmac_key_file " + file + " is empty");
        }
        return Arrays.copyOf(key, len);
    }

    /** A warning when others than its owner may read or write the key file; empty when it is owner-only. */
    static Optional<String> permissionWarning(Path file) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        perms.retainAll(OTHERS);
        if (perms.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("hmac key file " + file + " is accessible by others than its owner (mode "
                + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                + "): anyone who reads it can forge manifest entries; chmod 600 it");
    }
}
