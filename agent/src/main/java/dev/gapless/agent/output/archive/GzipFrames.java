package dev.gapless.agent.output.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * One gzip member (RFC 1952) per batch, with the fixed 10-byte header written here (no name, no time, no extra
 * field), so the walk that checks members after a crash needs to know that header only: a member with another header
 * is treated as damaged.
 */
final class GzipFrames implements Frames {

    /** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown). */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int TRAILER = 8;
    /** Bytes read from the file at a time while walking members. */
    private static final int READ_CHUNK = 64 * 1024;

    // Only the output worker thread; native memory, made at the first encode and freed by release().
    private Deflater deflater;
    private final CRC32 crc = new CRC32();
    private byte[] out = new byte[READ_CHUNK];

    @Override
    public String suffix() {
        return ".ndjson.gz";
    }

    @Override
    public Frame encode(byte[] src, int len) {
        // deflate never grows data by more than 5 bytes per 16 KiB block plus a few: this bound always fits
        int bound = HEADER.length + len + len / 1000 + 5 * (len / 16384 + 1) + 64 + TRAILER;
        if (out.length < bound) {
            out = new byte[bound];
        }
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        int pos = HEADER.length;
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.reset();
        deflater.setInput(src, 0, len);
        deflater.finish();
        while (!deflater.finished()) {
            if (pos == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            pos += deflater.deflate(out, pos, out.length - pos);
        }
        if (out.length < pos + TRAILER) {
            out = java.util.Arrays.copyOf(out, pos + TRAILER);
        }
        crc.reset();
        crc.update(src, 0, len);
        putIntLe(out, pos, (int) crc.getValue());
        putIntLe(out, pos + 4, len);
        return new Frame(out, pos + TRAILER);
    }

    @Override
    public void release() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    @Override
    public long completePrefix(FileChannel file, long size) throws IOException {
        byte[] in = new byte[READ_CHUNK];
        byte[] inflated = new byte[READ_CHUNK];
        Inflater inflater = new Inflater(true);
        CRC32 check = new CRC32();
        long good = 0;
        try {
            while (good < size) {
                long end = memberEnd(file, size, good, in, inflated, inflater, check);
                if (end < 0) {
                    break;
                }
                good = end;
            }
        } finally {
            inflater.end();
        }
        return good;
    }

    /** Where the member starting at {@code start} ends, or -1 when it is incomplete or damaged. */
    private static long memberEnd(FileChannel file, long size, long start, byte[] in, byte[] inflated,
                                  Inflater inflater, CRC32 check) throws IOException {
        if (size - start < HEADER.length + TRAILER) {
            return -1;
        }
        int got = Frames.readFully(file, in, HEADER.length, start);
        if (got < HEADER.length || !java.util.Arrays.equals(in, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            return -1;
        }
        inflater.reset();
        check.reset();
        long next = start + HEADER.length;
        long inflatedBytes = 0;
        try {
            // bounded: each round consumes input or produces output, and input ends at the file's end
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    int n = Frames.readFully(file, in, (int) Math.min(in.length, size - next), next);
                    if (n <= 0) {
                        return -1; // the file ends inside the member
                    }
                    next += n;
                    inflater.setInput(in, 0, n);
                }
                if (inflater.needsDictionary()) {
                    return -1;
                }
                int k = inflater.inflate(inflated);
                check.update(inflated, 0, k);
                inflatedBytes += k;
            }
        } catch (DataFormatException e) {
            return -1;
        }
        long deflateEnd = next - inflater.getRemaining();
        byte[] trailer = new byte[TRAILER];
        if (Frames.readFully(file, trailer, TRAILER, deflateEnd) < TRAILER) {
            return -1;
        }
        if (getIntLe(trailer, 0) != (int) check.getValue() || getIntLe(trailer, 4) != (int) inflatedBytes) {
            return -1;
        }
        return deflateEnd + TRAILER;
    }

    @Override
    public InputStream decoded(InputStream raw) throws IOException {
        return new GZIPInputStream(raw, READ_CHUNK); // reads concatenated members as one stream
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static int getIntLe(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
