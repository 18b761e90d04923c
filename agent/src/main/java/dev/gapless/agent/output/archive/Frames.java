package dev.gapless.agent.output.archive;

import dev.gapless.config.output.archive.ArchiveOutputConfig.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * How the batches of an archive file are framed: each batch is one self-contained unit (a gzip member, a zstd frame,
 * or for {@code none} the batch's own lines), so a file is valid whole and ends at a batch boundary except for a torn
 * last write, which {@link #completePrefix} finds.
 */
interface Frames {

    /** The file name's suffix after the first seq and file number: {@code .ndjson.zst}. */
    String suffix();

    /**
     * Compresses one batch into one frame.
     *
     * @return the frame; valid until the next call (the buffer is reused: one output worker thread)
     */
    Frame encode(byte[] src, int len);

    /**
     * The length of the file's longest prefix made of complete, checked frames: where a torn last write starts,
     * or {@code size} when there is none. Reads only; never changes the file.
     */
    long completePrefix(FileChannel file, long size) throws IOException;

    /** The decompressed content of a stream of frames. */
    InputStream decoded(InputStream raw) throws IOException;

    /** Frees native memory the encoder holds; the next {@link #encode} takes it again. */
    default void release() {
    }

    /** One encoded batch: {@code length} bytes of {@code bytes}. */
    record Frame(byte[] bytes, int length) {
    }

    static Frames of(Compression compression) {
        switch (compression) {
            case GZIP:
                return new GzipFrames();
            case ZSTD:
                return new ZstdFrames();
            case NONE:
                return new PlainFrames();
            default:
                throw new IllegalArgumentException("compression " + compression);
        }
    }

    /** The frames of a file by its name's suffix ({@code .ndjson.gz}, {@code .ndjson.zst}, {@code .ndjson}). */
    static Frames ofSuffix(String suffix) {
        switch (suffix) {
            case ".ndjson.gz":
                return new GzipFrames();
            case ".ndjson.zst":
                return new ZstdFrames();
            case ".ndjson":
                return new PlainFrames();
            default:
                throw new IllegalArgumentException("no archive file ends in " + suffix);
        }
    }

    /** Reads exactly {@code len} bytes at {@code position}, or fewer at end of file. */
    static int readFully(FileChannel file, byte[] dst, int len, long position) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(dst, 0, len);
        while (buf.hasRemaining()) {
            int n = file.read(buf, position + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.position();
    }
}
