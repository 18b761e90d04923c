package dev.gapless.agent.output.syslog;

import dev.gapless.agent.net.Tls;
import dev.gapless.agent.output.Outcome;
import dev.gapless.agent.output.WriteOnlyConnection;
import dev.gapless.config.output.syslog.SyslogOutputConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * Octet-counted messages (RFC 6587 §3.4.1: {@code MSG-LEN SP SYSLOG-MSG}, no trailer) over one kept-alive TCP
 * connection, or TLS (RFC 5425, the same framing). Syslog over TCP has no application acknowledgement: a batch is
 * delivered once its bytes are written to the socket (through TLS: encrypted and written), so what the kernel or the
 * server held when the server died is lost, and a batch whose write failed is sent again whole (duplicates). A write
 * not done within {@code timeout} (a server that stopped reading) fails as a timeout and the connection is dropped
 * ({@link WriteOnlyConnection}); an idle connection has no timer.
 */
final class TcpTransport implements Transport {

    private final WriteOnlyConnection connection;

    /** @throws IOException when the TLS files cannot be read */
    TcpTransport(SyslogOutputConfig config, EventLoopGroup group, String who) throws IOException {
        SslContext ssl = config.tls().isPresent() ? Tls.client(config.tls().get(), who) : null;
        this.connection = new WriteOnlyConnection(group, config.address(), config.connectTimeout(), config.timeout(),
                ssl, config.tls().orElse(null));
    }

    /** The batch's frames, {@code LEN SP MSG} each, as one buffer wrapping the messages. */
    static ByteBuf frames(byte[][] messages) {
        CompositeByteBuf out = Unpooled.compositeBuffer(messages.length * 2);
        for (byte[] m : messages) {
            out.addComponent(true, Unpooled.wrappedBuffer((m.length + " ").getBytes(StandardCharsets.US_ASCII)));
            out.addComponent(true, Unpooled.wrappedBuffer(m));
        }
        return out;
    }

    @Override
    public CompletionStage<Outcome> send(byte[][] messages, long[] seqs) {
        return connection.write(frames(messages));
    }

    @Override
    public void close() {
        connection.close();
    }
}
