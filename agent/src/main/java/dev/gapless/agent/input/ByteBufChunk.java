package dev.gapless.agent.input;

import io.netty.buffer.ByteBuf;

/**
 * A Netty read's buffer as a {@link LineSplitter.Chunk}, by absolute index and without copying it first;
 * {@link #indexOf} is Netty's, which searches eight bytes at a time (SWAR), not byte by byte. One per connection
 * handler, pointed at each read in turn; not thread-safe.
 */
public final class ByteBufChunk implements LineSplitter.Chunk {

    private ByteBuf buf;

    /** Points at the read being split, or at nothing ({@code null}) once it is done. */
    public ByteBufChunk of(ByteBuf buf) {
        this.buf = buf;
        return this;
    }

    @Override
    public int indexOf(int from, int to, byte value) {
        return buf.indexOf(from, to, value);
    }

    @Override
    public byte get(int index) {
        return buf.getByte(index);
    }

    @Override
    public void copyTo(int from, byte[] dst, int dstAt, int n) {
        buf.getBytes(from, dst, dstAt, n);
    }
}
