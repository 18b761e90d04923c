package dev.gapless.agent.output.tcp;

import dev.gapless.agent.output.EncodedBatch;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.Sink;
import dev.gapless.agent.output.WriteOnlyConnection;
import dev.gapless.config.output.tcp.TcpOutputConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletionStage;

/**
 * Newline-delimited batches over one kept-alive TCP connection ({@link WriteOnlyConnection}). Unacknowledged: a
 * batch counts as delivered once written to the socket, so what sat in a dying peer's buffers can be lost. A write
 * not flushed within {@code write_timeout} (a peer that stopped reading) fails as a timeout and the connection is
 * dropped; an idle connection between batches has no timer.
 */
public final class TcpSink implements Sink {

    private final TcpOutputConfig config;
    private final WriteOnlyConnection connection;

    /** A batch not written within {@code config.writeTimeout()} fails (retryable {@code TIMEOUT}). */
    public TcpSink(TcpOutputConfig config, EventLoopGroup group) {
        this.config = config;
        this.connection = new WriteOnlyConnection(group, config.address(), config.connectTimeout(),
                config.writeTimeout(), null, null);
    }

    @Override
    public CompletionStage<Outcome> send(EncodedBatch batch) {
        return connection.write(Unpooled.wrappedBuffer(batch.bytes(), 0, batch.length()));
    }

    /** Whether a connection is open now (the peer's close is seen when the event loop reads its end). */
    boolean connected() {
        return connection.connected();
    }

    @Override
    public String destination() {
        return "tcp://" + config.address();
    }

    @Override
    public void close() {
        connection.close();
    }
}
