package dev.gapless.agent.input.file;

import dev.gapless.agent.input.LineSplitter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * One followed file: its open channel, its identity (device and inode while it is open, the fingerprint of its first
 * bytes across restarts), its splitter (and joiner, with multiline), and two positions: how far lines were handed to
 * the journal ({@code queued}) and how far the journal made them durable ({@code committed}, what the checkpoint
 * holds). Neither passes the first line of an event the joiner still holds. Only the input's thread.
 */
final class Tailer {

    /** A file's identity while the agent runs: an open file keeps its inode, so it cannot be reused meanwhile. */
    record Key(long device, long inode) {
        /** @return the key of the file at {@code path} now, or null when there is none */
        static Key of(Path path) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino");
                return new Key(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }

    final Key key;
    final FileChannel channel;
    final LineSplitter splitter;
    /** Joins lines into multiline events; null when the input has no {@code multiline}. */
    final LineJoiner joiner;
    /** Where the file was last seen under the glob. */
    Path path;
    /** Hash of the first prefixLen bytes; refreshed while the file is shorter than fingerprint_bytes. */
    long fingerprint;
    int prefixLen;
    /** Bumped when the file is read again from its start: batches queued before no longer say where it is. */
    int generation;
    long queuedOffset;
    boolean queuedDiscarding;
    long committedOffset;
    boolean committedDiscarding;
    /** Batches of this file the journal has not made durable yet. */
    int inFlight;
    /** No longer under the glob (renamed away, deleted): read to its end, then closed. */
    boolean gone;
    boolean closed;
    /** System.nanoTime() before which this file, found at its end, is not looked at again (poll_interval). */
    long idleUntil;
    /** Clock millis since which this gone file has been at its end without growing (rotate_wait); or NOT_WAITING. */
    long endSince = NOT_WAITING;
    static final long NOT_WAITING = Long.MIN_VALUE;
    /** A multiline match on this file was abandoned and logged: later ones are only counted. */
    boolean abortLogged;

    Tailer(Key key, Path path, FileChannel channel, LineSplitter splitter, LineJoiner joiner) {
        this.key = key;
        this.path = path;
        this.channel = channel;
        this.splitter = splitter;
        this.joiner = joiner;
    }

    /** Starts at {@code offset}, as if everything before it were durable. */
    void startAt(long offset, boolean discarding) {
        reread(offset, discarding);
        queuedOffset = committedOffset = offset;
        queuedDiscarding = committedDiscarding = discarding;
    }

    /** Reads on from {@code offset}: nothing carried, nothing held. */
    void reread(long offset, boolean discarding) {
        splitter.restart(offset, discarding);
        if (joiner != null) {
            joiner.restart(offset, discarding);
        }
    }

    /** How far a checkpoint may go now: past the last line dealt with, but not past a held event's first line. */
    long readyOffset() {
        return joiner != null && joiner.holding() ? joiner.from() : splitter.dealtWith();
    }

    /** Whether {@link #readyOffset()} is inside a line already cut. */
    boolean readyDiscarding() {
        return joiner != null && joiner.holding() ? joiner.fromDiscarding() : splitter.discarding();
    }

    /** Reads the file again from its start (it was truncated); what is in flight no longer moves the checkpoint. */
    void restartAtZero() {
        generation++;
        startAt(0, false);
        prefixLen = 0;
    }

    /** Re-reads the fingerprint while the file is shorter than {@code bytes}. */
    void refreshFingerprint(int bytes, byte[] scratch) throws IOException {
        if (prefixLen < bytes) {
            int n = readPrefix(channel, scratch, bytes);
            if (n != prefixLen || prefixLen == 0) {
                fingerprint = hash(scratch, n);
                prefixLen = n;
            }
        }
    }

    /**
     * Whether the file's first {@code prefixLen} bytes are no longer the ones its fingerprint was taken of: the file
     * was truncated and written again (copytruncate) before it was seen shorter than what was read. One positional
     * read of at most fingerprint_bytes, made only when the file has new bytes to read.
     */
    boolean prefixChanged(byte[] scratch) throws IOException {
        if (prefixLen == 0) {
            return false;
        }
        int n = readPrefix(channel, scratch, prefixLen);
        return n < prefixLen || hash(scratch, n) != fingerprint;
    }

    FileCheckpoint.Entry entry() {
        return new FileCheckpoint.Entry(fingerprint, prefixLen, key.device(), key.inode(), committedOffset,
                committedDiscarding, path.toString());
    }

    void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    /** Reads up to {@code bytes} from the start of the file into {@code into}. @return how many */
    static int readPrefix(FileChannel ch, byte[] into, int bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into, 0, bytes);
        while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) <= 0) {
                break;
            }
        }
        return buf.position();
    }

    /** The first 8 bytes of the SHA-256 of {@code b[0, n)}. */
    static long hash(byte[] b, int n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(b, 0, n);
            byte[] d = sha.digest();
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h |= (d[i] & 0xFFL) << (8 * i);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return path + " (inode " + key.inode() + ")";
    }
}
