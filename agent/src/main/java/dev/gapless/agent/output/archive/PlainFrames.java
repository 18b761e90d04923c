package dev.gapless.agent.output.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** {@code compression: none}: a batch is its own lines, so a file is complete up to its last newline. */
final class PlainFrames implements Frames {

    /** Bytes read at a time while looking back for the last newline. */
    private static final int TAIL_SCAN_BYTES = 64 * 1024;

    @Override
    public String suffix() {
        return ".ndjson";
    }

    @Override
    public Frame encode(byte[] src, int len) {
        return new Frame(src, len);
    }

    @Override
    public long completePrefix(FileChannel file, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(TAIL_SCAN_BYTES);
        // bounded: each round moves one window towards the start of the file
        for (long end = size; end > 0; end -= TAIL_SCAN_BYTES) {
            long start = Math.max(0, end - TAIL_SCAN_BYTES);
            buf.clear().limit((int) (end - start));
            while (buf.hasRemaining() && file.read(buf, start + buf.position()) >= 0) {
                // fill the window
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return start + i + 1;
                }
            }
        }
        return 0;
    }

    @Override
    public InputStream decoded(InputStream raw) {
        return raw;
    }
}
