package dev.gapless.agent.input.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The positions a checkpoint held at start, until the first scan has given each to the file it belongs to. A file
 * takes an entry when its device, inode and first bytes agree with it (the entry's fingerprint may cover fewer bytes
 * than the file now has: it was shorter then, and its first bytes are hashed again to that length); else, once no
 * file claims it that way, when a file of another device or inode has the same full-length fingerprint (a device
 * renumbered at boot, a file moved to another file system). An inode reused by a file with other first bytes takes
 * nothing: it is a new file. Entries from a v1 checkpoint (no fingerprint) go by inode alone. Only the input's thread.
 */
final class Restored {

    private final List<FileCheckpoint.Entry> entries;
    private final boolean[] claimed;
    private final int fingerprintBytes;
    private final Path literal;

    /**
     * @param literal the configured path, where a v1 entry of unknown inode belongs
     */
    Restored(List<FileCheckpoint.Entry> entries, int fingerprintBytes, Path literal) {
        this.entries = entries;
        this.claimed = new boolean[entries.size()];
        this.fingerprintBytes = fingerprintBytes;
        this.literal = literal;
    }

    /** @return the entry of this very file (same device, inode and first bytes), claimed, or null */
    FileCheckpoint.Entry claimExact(Tailer.Key key, Path path, FileChannel ch, long fp, int len, byte[] scratch)
            throws IOException {
        for (int i = 0; i < entries.size(); i++) {
            FileCheckpoint.Entry e = entries.get(i);
            if (claimed[i]) {
                continue;
            }
            boolean same = e.prefixLen() < 0
                    ? e.inode() == key.inode() || e.inode() == -1 && path.equals(literal)
                    : e.device() == key.device() && e.inode() == key.inode() && sameBytes(e, ch, fp, len, scratch);
            if (same) {
                claimed[i] = true;
                return e;
            }
        }
        return null;
    }

    /** @return an unclaimed entry with this full-length fingerprint, claimed, or null */
    FileCheckpoint.Entry claimByFingerprint(long fp, int len) {
        if (len < fingerprintBytes) {
            return null; // a short prefix is too common to tell files apart without the inode
        }
        for (int i = 0; i < entries.size(); i++) {
            FileCheckpoint.Entry e = entries.get(i);
            if (!claimed[i] && e.prefixLen() == len && e.fingerprint() == fp) {
                claimed[i] = true;
                return e;
            }
        }
        return null;
    }

    /** Claims entry {@code e} (found by other means). */
    void claim(FileCheckpoint.Entry e) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == e) {
                claimed[i] = true;
            }
        }
    }

    List<FileCheckpoint.Entry> unclaimed() {
        List<FileCheckpoint.Entry> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!claimed[i]) {
                out.add(entries.get(i));
            }
        }
        return out;
    }

    /** True if the file's first {@code e.prefixLen()} bytes hash to the entry's fingerprint. */
    static boolean sameBytes(FileCheckpoint.Entry e, FileChannel ch, long fp, int len, byte[] scratch)
            throws IOException {
        if (e.prefixLen() == len) {
            return e.fingerprint() == fp;
        }
        if (e.prefixLen() > len) {
            return false; // shorter than it was: another file, or this one truncated; either way read from 0
        }
        int n = Tailer.readPrefix(ch, scratch, e.prefixLen());
        return n == e.prefixLen() && Tailer.hash(scratch, n) == e.fingerprint();
    }
}
