package dev.gapless.agent.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the writer's page-table entries for the pages it has finished writing, just before the syncer forces them.
 *
 * <p>Why: the journal is written through a shared mapping. When fdatasync writes a dirty page back, the kernel
 * write-protects every mapping of it and flushes that page's TLB entry on every CPU the process runs on: one
 * inter-processor interrupt per 4 KiB page, which in a virtual machine is a trap to the hypervisor. Measured on a
 * 2-core VM, that was about 0.3 CPU-seconds per million 256-byte events, most of the syncer's time.
 * {@code madvise(MADV_DONTNEED)} on those pages first removes their entries in one batch with one TLB flush; the
 * fdatasync then finds them unmapped and writes them back without an interrupt each.
 *
 * <p>Safe because the mapping is shared and file-backed: MADV_DONTNEED moves a page's dirty bit to the page cache
 * and unmaps it; the data stays in the page cache and is written back by the force as before. A later access (a
 * reader, or Chronicle updating an index entry in a released page) faults the page back in from the page cache.
 * Only whole pages below the write position, inside the chunk the appender holds mapped, are released, and only
 * under the journal's write lock, so the chunk cannot be unmapped meanwhile.
 *
 * <p>Not thread-safe: called under the journal's write lock.
 */
final class PageReleaser {

    private static final Logger log = LoggerFactory.getLogger(PageReleaser.class);
    private static final long PAGE = Math.max(4096, OS.pageSize());
    /** Below this many bytes, leave the pages to the force: the call would cost more than the flushes it saves. */
    private static final long MIN_RELEASE = 16 * PAGE;
    /** A reader releases what it has read past once it is this much. */
    static final long READ_RELEASE = 1 << 20;

    private final ReferenceOwner owner = ReferenceOwner.temporary("gapless-page-releaser");
    // File offset up to which pages were released in the current cycle file; reset when the appender changes.
    private long releasedTo;
    private ExcerptAppender appender;
    private int cycle = Integer.MIN_VALUE;
    // The chunk released from last time, reserved by this object so it stays mapped until its tail is released.
    private MappedBytesStore held;
    private boolean failed;

    private PageReleaser() {
    }

    /**
     * @return a releaser, or null where madvise is not reachable ({@link DontNeed#available()}; then forces simply
     *         work as before)
     */
    static PageReleaser create() {
        return DontNeed.available() ? new PageReleaser() : null;
    }

    /**
     * Releases the whole pages the appender wrote since the last call, including the tail of a chunk it has left
     * since; never fails the caller.
     */
    void release(ExcerptAppender a) {
        if (failed || a == null) {
            return;
        }
        try {
            int c = a.cycle();
            boolean sameFile = a == appender && c == cycle;
            Wire w = a.wire();
            if (w == null) {
                sameFile = false;
            }
            BytesStore<?, ?> bs = w == null ? null : w.bytes().bytesStore();
            MappedBytesStore current = bs instanceof MappedBytesStore m ? m : null;
            long resumeAt = releasedTo; // the chunks overlap: the new one may hold pages written past the old's tail
            if (held != null && held != current) {
                // The appender moved on to the next chunk (or file): what it wrote at the end of the old one.
                madvise(held, releasedTo, sameFile ? w.bytes().writePosition() : Long.MAX_VALUE);
                drop();
            }
            if (!sameFile) {
                appender = a;
                cycle = c;
                releasedTo = 0;
                resumeAt = 0;
            }
            if (current == null) {
                return;
            }
            if (held == null) {
                current.reserve(owner);
                held = current;
            }
            madvise(current, Math.max(resumeAt, current.start()), w.bytes().writePosition());
        } catch (RuntimeException | LinkageError e) {
            failed = true;
            drop();
            log.warn("journal: releasing written pages failed ({}); pages are left mapped during forces from now",
                    e.toString());
        }
    }

    /** Lets go of the chunk this object holds mapped; before the appender is closed. */
    void reset() {
        drop();
        appender = null;
        cycle = Integer.MIN_VALUE;
        releasedTo = 0;
    }

    /** The file offset where the chunk's mapping ends (its overlap with the next chunk included). */
    private static long end(MappedBytesStore store) {
        long end = store.realCapacity(); // Chronicle 2026.4 keeps a mapped chunk's limit as a file offset
        if (end > store.start() && store.inside(store.start(), end - store.start())) {
            return end;
        }
        return store.safeLimit();
    }

    private void drop() {
        MappedBytesStore h = held;
        held = null;
        if (h != null) {
            try {
                h.release(owner);
            } catch (RuntimeException e) {
                log.debug("journal: releasing a chunk reservation: {}", e.toString());
            }
        }
    }

    /** Releases the whole pages of file offsets [from, to) that lie inside {@code store}. */
    private void madvise(MappedBytesStore store, long from, long to) {
        long done = dontNeed(store, from, to);
        if (done >= 0) {
            releasedTo = done;
        }
    }

    /**
     * {@code madvise(MADV_DONTNEED)} on the whole pages of file offsets [from, to) inside {@code store}, which the
     * caller keeps mapped meanwhile (a reservation, or the document it is reading).
     *
     * @return the file offset released up to, or -1 if nothing was (too little, or not inside the chunk)
     * @throws IllegalStateException if madvise failed
     */
    static long dontNeed(MappedBytesStore store, long from, long to) {
        from = (from + PAGE - 1) & -PAGE;
        to = Math.min(to, end(store)) & -PAGE;
        if (to - from < MIN_RELEASE || !store.inside(from, to - from)) {
            return -1;
        }
        long address = store.addressForRead(from);
        if ((address & (PAGE - 1)) != 0) {
            return -1; // the chunk is not mapped at a page boundary here: leave it
        }
        DontNeed.pages(address, to - from);
        return to;
    }

    /**
     * One reader's side: the pages it has read past, in the chunk it reads, unmapped every {@link #READ_RELEASE}
     * bytes. They were mapped again only for this reader (the writer's release unmapped them first) and nobody
     * needs them mapped now: without this they stay resident until Chronicle unmaps the whole chunk (8 MiB and
     * more). A reader behind this one, or Chronicle updating an index entry there, faults them back in. Used by
     * the reader's thread inside the document it reads, so the chunk is mapped meanwhile.
     */
    static final class Trailing {
        private final ReferenceOwner owner = ReferenceOwner.temporary("gapless-read-page-releaser");
        private MappedBytesStore store;
        private long releasedTo;
        private boolean failed;

        private Trailing() {
        }

        /** @return a releaser, or null where there is none (see {@link PageReleaser#create()}) */
        static Trailing create() {
            return DontNeed.available() ? new Trailing() : null;
        }

        /** The reader is at {@code in}'s read position; never fails the caller. */
        void readTo(Bytes<?> in) {
            if (failed) {
                return;
            }
            try {
                if (!(in.bytesStore() instanceof MappedBytesStore s)) {
                    return;
                }
                if (s != store) {
                    store = s;
                    releasedTo = s.start(); // an earlier chunk goes as a whole once nobody uses it
                }
                long position = in.readPosition();
                if (position - releasedTo < READ_RELEASE) {
                    return;
                }
                // The chunk is the reader's while it reads the document; the reservation also covers a journal
                // closed under a reader that outlived its stop (its chunk may be unmapped: then nothing is done).
                if (!s.tryReserve(owner)) {
                    return;
                }
                try {
                    long done = dontNeed(s, releasedTo, position);
                    if (done >= 0) {
                        releasedTo = done;
                    }
                } finally {
                    s.release(owner);
                }
            } catch (RuntimeException | LinkageError e) {
                failed = true;
                log.warn("journal: releasing read pages failed ({}); they stay mapped until their chunk goes",
                        e.toString());
            }
        }
    }
}
