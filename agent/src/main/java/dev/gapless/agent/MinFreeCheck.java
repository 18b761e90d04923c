package dev.gapless.agent;

import dev.gapless.agent.internal.Sizes;
import dev.gapless.config.ByteSize;
import dev.gapless.config.JournalConfig;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * min_free against the free space of the file system that holds the journal: the agent's start logs the warning and
 * {@code gapless validate} prints it, in the same words. A min_free above the free space makes the journal refuse
 * every append from the first one (back-pressure: nothing is lost, nothing is taken).
 */
final class MinFreeCheck {

    private MinFreeCheck() {
    }

    /**
     * @param dataDir the config's data_dir; the journal's folder in it is looked at if it exists, else data_dir
     * @return the warning, or empty when min_free fits or data_dir does not exist (nothing to measure yet)
     */
    static Optional<String> check(Path dataDir, JournalConfig config) throws IOException {
        Path journal = new DataDir(dataDir).journal();
        Path at = Files.isDirectory(journal) ? journal : dataDir;
        if (!Files.exists(at)) {
            return Optional.empty();
        }
        FileStore store = Files.getFileStore(at);
        long usable = store.getUsableSpace();
        long total = store.getTotalSpace();
        ByteSize minFree = config.minFreeFor(total);
        if (usable >= minFree.bytes()) {
            return Optional.empty();
        }
        String which = config.minFree().isPresent() ? "journal.min_free " + minFree
                : "journal.min_free (not set: " + minFree + ", the smaller of " + JournalConfig.DEFAULT_MIN_FREE_CAP
                        + " and " + JournalConfig.DEFAULT_MIN_FREE_PERCENT + " % of the file system)";
        return Optional.of(which + " is more than the " + Sizes.of(usable) + " free on the file system of " + at
                + " (" + Sizes.of(total) + "): the journal "
                + (config.whenFull() == JournalConfig.WhenFull.DROP_OLDEST ? "drops its oldest segments"
                        : "refuses every append") + " until space is freed or min_free is lowered; /health reports"
                + " degraded (min_free)");
    }
}
