package dev.gapless.agent.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Small files written so that a crash leaves either the old or the new content, never a torn mix. */
public final class DurableFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private DurableFiles() {
    }

    /**
     * Replaces {@code target} with {@code content}: write a temp file, force it, rename it over the target, force
     * the directory. With {@code sync} false the forces are skipped: the replacement still survives a crash of
     * the process (the page cache holds it), not of the machine.
     */
    public static void replace(Path target, ByteBuffer content, boolean sync) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), ownerOnlyFile())) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
            if (sync) {
                ch.force(true);
            }
        }
        restrict(tmp); // one a crash left keeps its old mode through TRUNCATE_EXISTING
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target + " cannot rename atomically", e);
        }
        if (sync) {
            fsyncDirectory(target.getParent());
        }
    }

    /** Forces a directory's entries to disk. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Creates a directory (and parents) readable only by its owner. Only the directories created here are
     * restricted: an existing one (e.g. {@code /var/log} holding a file output) is never changed, since
     * tightening it would lock others out, and fail when the agent does not own it.
     */
    public static Path ownerOnlyDirectory(Path dir) throws IOException {
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && Files.notExists(p); p = p.getParent()) {
            missing.push(p);
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            try {
                Files.setPosixFilePermissions(p, OWNER_DIR);
            } catch (UnsupportedOperationException ignored) {
                return dir; // not a POSIX file system: nothing to tighten
            }
        }
        return dir;
    }

    /**
     * The attribute that creates a file 0600 whatever the umask ({@code FileChannel.open(path, options,
     * ownerOnlyFile())}): set at creation, so no other user can open it before a {@link #restrict}.
     */
    public static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    /** Makes a file readable and writable by its owner only. */
    public static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to tighten
        }
    }
}
