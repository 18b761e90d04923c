package dev.gapless.agent.output.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel that a test can make fail as a full disk does: a write takes part of its bytes and then throws
 * {@code No space left on device}, and a truncate may fail too.
 */
final class FaultyChannel extends FileChannel {

    private final FileChannel real;
    /** Bytes the next writes may still take before they fail; negative: no limit. */
    volatile long writable = -1;
    volatile boolean failTruncate;

    FaultyChannel(FileChannel real) {
        this.real = real;
    }

    private ByteBuffer allowed(ByteBuffer src) throws IOException {
        if (writable < 0) {
            return src;
        }
        if (writable == 0) {
            throw new IOException("No space left on device");
        }
        int n = (int) Math.min(writable, src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + n);
        return part;
    }

    private int took(ByteBuffer src, ByteBuffer part, int n) {
        if (part != src) {
            src.position(src.position() + n);
        }
        if (writable >= 0) {
            writable -= n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer part = allowed(src);
        return took(src, part, real.write(part));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        ByteBuffer part = allowed(src);
        return took(src, part, real.write(part, position));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (failTruncate) {
            throw new IOException("Input/output error");
        }
        real.truncate(size);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return real.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
