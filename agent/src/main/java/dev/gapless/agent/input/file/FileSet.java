package dev.gapless.agent.input.file;

import dev.gapless.agent.input.InputStats;
import dev.gapless.agent.input.LineSplitter;
import dev.gapless.config.input.file.FileInputConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a file input follows, kept in step with its glob by {@link #scan}: each one's {@link Tailer}, found
 * again by device and inode wherever it moved under the glob, new ones opened and given their start (a checkpoint's
 * entry, {@code start_at} on the very first scan, else 0), vanished ones marked {@link Tailer#gone} to be read to
 * their end. At most {@code max_files} are followed; those beyond are logged and counted once each while they stay.
 * Only the input's thread.
 */
final class FileSet {

    private static final Logger log = LoggerFactory.getLogger(FileInput.class); // one logger for the input's lines
    /** Files a scan lists beyond max_files (to count those not followed); the walk stops there. */
    private static final int SCAN_SLACK = 4096;

    private final FileInputConfig config;
    private final FileGlob glob;
    private final InputStats stats;
    private final int fingerprintBytes;
    private final int maxLine;
    private final byte[] prefix;
    private final List<Tailer> tailers = new ArrayList<>();
    private final Map<Tailer.Key, Tailer> byKey = new HashMap<>();
    /** Files found at the bound and not followed, by the last scan: each logged and counted once. */
    private Set<Tailer.Key> notFollowed = new HashSet<>();
    /** The checkpoint's entries until the first scan has matched them; null after it. */
    private Restored restored;
    /** No checkpoint existed at start: start_at applies to the files of the first scan. */
    private boolean firstRun;
    private boolean scanned;
    private boolean scanRequested;

    FileSet(FileInputConfig config, FileGlob glob, InputStats stats, int maxLine) {
        this.config = config;
        this.glob = glob;
        this.stats = stats;
        this.fingerprintBytes = (int) config.fingerprintBytes().bytes();
        this.prefix = new byte[fingerprintBytes];
        this.maxLine = maxLine;
    }

    /** The checkpoint's entries, or null when there was no checkpoint (the first run). */
    void restore(List<FileCheckpoint.Entry> saved) {
        firstRun = saved == null;
        restored = new Restored(saved == null ? List.of() : saved, fingerprintBytes, config.path().toAbsolutePath());
    }

    /** The files followed now, in the order they are read round-robin. */
    List<Tailer> tailers() {
        return tailers;
    }

    /** Stops following a closed file. */
    void remove(int index) {
        byKey.remove(tailers.remove(index).key);
    }

    boolean scanned() {
        return scanned;
    }

    /** A followed file is no longer at its path: scan before the next read. */
    void requestScan() {
        scanRequested = true;
    }

    boolean scanRequested() {
        return scanRequested;
    }

    /** Re-reads a file's fingerprint while it is shorter than fingerprint_bytes. */
    void refreshFingerprint(Tailer t) throws IOException {
        t.refreshFingerprint(fingerprintBytes, prefix);
    }

    /** See {@link Tailer#prefixChanged}. */
    boolean prefixChanged(Tailer t) throws IOException {
        return t.prefixChanged(prefix);
    }

    /**
     * Matches the glob: new files followed, moved ones found again, vanished ones marked to be finished.
     *
     * @return true if this was the first scan (the checkpoint's entries are now given out: save it at once)
     */
    boolean scan() {
        scanRequested = false;
        List<Path> found;
        try {
            found = glob.match(config.maxFiles() + SCAN_SLACK);
        } catch (IOException e) {
            log.warn("input {}: scanning {} failed: {}; trying again next scan", config.id(), glob, e.toString());
            return false;
        }
        Set<Tailer.Key> seen = new HashSet<>();
        Set<Tailer.Key> beyond = new HashSet<>();
        List<Path> fresh = new ArrayList<>();
        List<Tailer.Key> freshKeys = new ArrayList<>();
        for (Path p : found) {
            Tailer.Key key;
            try {
                key = Tailer.Key.of(p);
            } catch (IOException e) {
                continue; // unreadable: not followed this scan
            }
            if (key == null || !seen.add(key)) {
                continue; // gone meanwhile, or a second link to a file already seen
            }
            Tailer t = byKey.get(key);
            if (t != null) {
                t.path = p;
                t.gone = false;
                t.endSince = Tailer.NOT_WAITING;
            } else if (tailers.size() + fresh.size() >= config.maxFiles()) {
                beyond.add(key);
                if (!notFollowed.contains(key)) {
                    stats.filesNotFollowed.increment();
                    log.warn("input {}: {} not followed: {} files are followed already (max_files)", config.id(), p,
                            config.maxFiles());
                }
            } else {
                fresh.add(p);
                freshKeys.add(key);
            }
        }
        notFollowed = beyond;
        for (Tailer t : tailers) {
            if (!seen.contains(t.key) && !t.gone) {
                t.gone = true;
                log.info("input {}: {} is no longer under {}; reading it to its end", config.id(), t, glob);
            }
        }
        follow(fresh, freshKeys);
        if (scanned) {
            return false;
        }
        scanned = true;
        finishUnclaimed();
        restored = null;
        return true;
    }

    /** Opens the new files and gives each its start: a checkpoint's entry, start_at, or 0. */
    private void follow(List<Path> paths, List<Tailer.Key> keys) {
        List<Tailer> opened = new ArrayList<>();
        List<FileCheckpoint.Entry> starts = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            Tailer t = open(paths.get(i), keys.get(i));
            if (t != null) {
                opened.add(t);
                starts.add(null);
            }
        }
        if (!scanned) {
            try {
                for (int i = 0; i < opened.size(); i++) {
                    Tailer t = opened.get(i);
                    starts.set(i, restored.claimExact(t.key, t.path, t.channel, t.fingerprint, t.prefixLen, prefix));
                }
                for (int i = 0; i < opened.size(); i++) {
                    Tailer t = opened.get(i);
                    if (starts.get(i) == null) {
                        starts.set(i, restored.claimByFingerprint(t.fingerprint, t.prefixLen));
                    }
                }
            } catch (IOException e) {
                log.warn("input {}: reading a file's first bytes failed: {}", config.id(), e.toString());
            }
        }
        for (int i = 0; i < opened.size(); i++) {
            Tailer t = opened.get(i);
            FileCheckpoint.Entry e = starts.get(i);
            long size = size(t);
            if (e != null && e.offset() > size) {
                log.warn("input {}: {} is shorter ({}) than its checkpoint ({}): truncated while stopped; reading it "
                        + "from its start", config.id(), t, size, e.offset());
                t.startAt(0, false);
            } else if (e != null) {
                t.startAt(e.offset(), e.discarding());
            } else {
                t.startAt(!scanned && firstRun && config.startAt() == FileInputConfig.StartAt.END ? size : 0, false);
            }
            tailers.add(t);
            byKey.put(t.key, t);
            log.info("input {}: following {} from offset {}", config.id(), t, t.committedOffset);
        }
    }

    private Tailer open(Path p, Tailer.Key key) {
        try {
            FileChannel ch = FileChannel.open(p);
            Tailer.Key now = Tailer.Key.of(p);
            if (!key.equals(now)) {
                ch.close(); // replaced between the scan and the open: the next scan sees the new one
                scanRequested = true;
                return null;
            }
            Tailer t = new Tailer(key, p, ch, LineSplitter.positioned(maxLine),
                    config.multiline().map(LineJoiner::new).orElse(null));
            t.refreshFingerprint(fingerprintBytes, prefix);
            return t;
        } catch (IOException e) {
            log.warn("input {}: {} cannot be opened: {}; trying again next scan", config.id(), p, e.toString());
            return null;
        }
    }

    /**
     * After the first scan: a checkpointed file no file under the glob claimed was rotated out of it while the agent
     * was stopped. Found by inode and first bytes in the glob's folder, it is read to its end; else its unread tail
     * is lost, counted and logged at ERROR.
     */
    private void finishUnclaimed() {
        for (FileCheckpoint.Entry e : restored.unclaimed()) {
            Tailer t = findMoved(e);
            if (t != null) {
                t.startAt(e.offset(), e.discarding());
                t.gone = true;
                tailers.add(t);
                byKey.put(t.key, t);
                log.warn("input {}: {} was rotated while stopped; reading the rest of it from offset {}",
                        config.id(), t, e.offset());
            } else {
                stats.skippedTails.increment();
                log.error("input {}: the file last seen at {} (inode {}) is gone: its bytes from offset {} to its end "
                        + "were not read, if it had any", config.id(), e.path().isEmpty() ? glob : e.path(), e.inode(),
                        e.offset());
            }
        }
    }

    private Tailer findMoved(FileCheckpoint.Entry e) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(glob.base())) {
            int looked = 0;
            for (Path p : files) {
                if (++looked > config.maxFiles() + SCAN_SLACK) {
                    break; // bounded like a scan
                }
                Tailer.Key key = Tailer.Key.of(p);
                if (key == null || key.inode() != e.inode() || byKey.containsKey(key)
                        || e.device() != -1 && key.device() != e.device()) {
                    continue;
                }
                Tailer t = open(p, key);
                if (t != null && (e.prefixLen() < 0
                        || Restored.sameBytes(e, t.channel, t.fingerprint, t.prefixLen, prefix))) {
                    return t;
                }
                if (t != null) {
                    t.close();
                }
            }
        } catch (IOException ignored) {
            // the folder is gone: so is the file
        }
        return null;
    }

    private long size(Tailer t) {
        try {
            return t.channel.size();
        } catch (IOException e) {
            return 0;
        }
    }
}
