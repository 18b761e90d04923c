package dev.gapless.agent.journal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code madvise(MADV_DONTNEED)} on a range of mapped memory, through the JDK's own native binding: the private
 * {@code java.nio.MappedMemoryUtils.unload0(address, length)} that {@code MappedByteBuffer} and the foreign memory
 * API's {@code unload()} rest on (Java 17 through 25 have it, with this signature). So the journal needs no
 * native-call library of its own, and the agent starts without generating and loading one (Chronicle's POSIX
 * binding, jnr-ffi, cost about 70 ms of every start: see docs/benchmarks.md). It needs {@code java.base}'s
 * {@code java.nio} opened to the class path, as Chronicle Queue does anyway.
 *
 * <p>Where the JDK has no such method, or the package is not opened, {@link #available()} is false and the
 * journal leaves its pages mapped, which costs speed and resident memory, never data.
 */
final class DontNeed {

    private static final Logger log = LoggerFactory.getLogger(DontNeed.class);
    private static final MethodHandle UNLOAD = find();

    private DontNeed() {
    }

    /** Whether {@link #pages} can be called on this runtime. */
    static boolean available() {
        return UNLOAD != null;
    }

    /**
     * Drops the page-table entries of {@code [address, address + length)}; for a shared file mapping the data stays
     * in the page cache (a dirty page is written back as before) and a later access maps it in again.
     *
     * @param address page-aligned
     * @param length  a multiple of the page size
     * @throws IllegalStateException if madvise failed (the JDK reports its errno as an IOException)
     */
    static void pages(long address, long length) {
        try {
            UNLOAD.invokeExact(address, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("madvise(MADV_DONTNEED) failed: " + e.getMessage(), e);
        }
    }

    private static MethodHandle find() {
        if (!System.getProperty("os.name", "").startsWith("Linux")
                || Boolean.getBoolean("gapless.journal.keepPagesMapped")) {
            return null;
        }
        try {
            Class<?> utils = Class.forName("java.nio.MappedMemoryUtils");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(utils, MethodHandles.lookup());
            return lookup.findStatic(utils, "unload0", MethodType.methodType(void.class, long.class, long.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("journal: the JDK's madvise is not reachable ({}); pages are left mapped", e.toString());
            return null;
        }
    }
}
