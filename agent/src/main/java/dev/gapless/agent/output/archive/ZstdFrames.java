package dev.gapless.agent.output.archive;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * One zstd frame per batch, with its content size and content checksum in the frame, so a frame is checked whole
 * (the checksum verified by decompressing it) by the walk after a crash, and by {@code zstd -t}.
 */
final class ZstdFrames implements Frames {

    /** zstd's default level: fast, and well ahead of gzip on NDJSON. */
    static final int LEVEL = 3;
    /** Bytes of the file read first when looking for the end of a frame; doubled until the frame fits. */
    private static final int FIRST_WINDOW = 1024 * 1024;
    /**
     * The largest frame the walk reads: a frame is one batch (batch.max_bytes, a few MiB at most in practice), so
     * a frame claiming more than this is treated as damaged and cut, and the walk's memory stays bounded.
     */
    static final int MAX_FRAME = 1 << 30;

    // Only the output worker thread; native memory, made at the first encode and freed by release().
    private ZstdCompressCtx ctx;
    private byte[] out = new byte[0];

    @Override
    public String suffix() {
        return ".ndjson.zst";
    }

    @Override
    public Frame encode(byte[] src, int len) {
        int bound = (int) Zstd.compressBound(len);
        if (out.length < bound) {
            out = new byte[bound];
        }
        if (ctx == null) {
            ctx = new ZstdCompressCtx().setLevel(LEVEL).setChecksum(true).setContentSize(true);
        }
        int n = ctx.compressByteArray(out, 0, out.length, src, 0, len);
        return new Frame(out, n);
    }

    @Override
    public void release() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    @Override
    public long completePrefix(FileChannel file, long size) throws IOException {
        long good = 0;
        try (ZstdDecompressCtx dctx = new ZstdDecompressCtx()) {
            while (good < size) {
                long n = frameLength(file, size, good, dctx);
                if (n <= 0) {
                    break;
                }
                good += n;
            }
        }
        return good;
    }

    /** The length of the checked frame at {@code start}, or -1 when it is incomplete or damaged. */
    private static long frameLength(FileChannel file, long size, long start, ZstdDecompressCtx dctx)
            throws IOException {
        long remaining = size - start;
        int window = (int) Math.min(remaining, FIRST_WINDOW);
        // bounded: the window doubles up to the file's end or MAX_FRAME
        while (true) {
            byte[] buf = new byte[window];
            int got = Frames.readFully(file, buf, window, start);
            long n = compressedSize(buf, got);
            if (n > 0) {
                return decompresses(buf, (int) n, dctx) ? n : -1;
            }
            if (window >= remaining || window >= MAX_FRAME) {
                return -1; // the file ends inside the frame, or it is no frame
            }
            window = (int) Math.min(Math.min(remaining, MAX_FRAME), (long) window * 2);
        }
    }

    private static long compressedSize(byte[] buf, int len) {
        try {
            long n = Zstd.findFrameCompressedSize(buf, 0, len);
            return Zstd.isError(n) || n > len ? -1 : n;
        } catch (ZstdException e) {
            return -1;
        }
    }

    private static boolean decompresses(byte[] frame, int len, ZstdDecompressCtx dctx) {
        try {
            long content = Zstd.getFrameContentSize(frame, 0, len);
            if (content < 0 || content > MAX_FRAME) {
                return false;
            }
            byte[] plain = new byte[(int) content];
            return dctx.decompressByteArray(plain, 0, plain.length, frame, 0, len) == content;
        } catch (ZstdException e) {
            return false; // checksum mismatch, corrupt block
        }
    }

    @Override
    public InputStream decoded(InputStream raw) throws IOException {
        return new BufferedInputStream(new ZstdInputStream(raw), 256 * 1024); // frame after frame
    }
}
